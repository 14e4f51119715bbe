import { handleFaceId } from '../../../../../lib/protocols/faceid/handle';
import { getBizToken } from '../../../../../lib/protocols/faceid/get-biz-token';

// FaceID v1.2 get_biz_token (POST). Other methods answer API_NOT_FOUND, as the gateway does.
export const dynamic = 'force-dynamic';
const handler = (request: Request) => handleFaceId(request, getBizToken);
export { handler as GET, handler as POST, handler as PUT, handler as DELETE, handler as PATCH };
