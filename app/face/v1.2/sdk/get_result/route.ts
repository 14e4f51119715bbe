import { handleFaceId } from '../../../../../lib/protocols/faceid/handle';
import { getResult } from '../../../../../lib/protocols/faceid/get-result';

// FaceID v1.2 get_result (GET). Other methods answer API_NOT_FOUND, as the gateway does.
export const dynamic = 'force-dynamic';
const handler = (request: Request) => handleFaceId(request, getResult);
export { handler as GET, handler as POST, handler as PUT, handler as DELETE, handler as PATCH };
