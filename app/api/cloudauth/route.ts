// Same endpoint under /api/cloudauth for deployments that proxy only /api to this service.
export { GET, POST } from '../../route';
export const dynamic = 'force-dynamic';
