import { handleFaceId } from '../../../lib/protocols/faceid/handle';

// Any other path under /face: the gateway's 404 API_NOT_FOUND (JSON), not Next's HTML page.
export const dynamic = 'force-dynamic';
const handler = (request: Request) => handleFaceId(request, null);
export { handler as GET, handler as POST, handler as PUT, handler as DELETE, handler as PATCH };
