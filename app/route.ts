import { handleRpc } from '../lib/rpc/handle-rpc';
import { landingPage } from '../lib/rpc/landing-page';

// The official clients call the site root: GET /?Action=… (aliyun-sdk, pop-core GET) and POST /
// (pop-core POST, the 2019 SDK with x-acs-action). A plain GET / is a person with a browser.
export const dynamic = 'force-dynamic';

export function GET(request: Request) {
  const isRpc = new URL(request.url).searchParams.has('Action') || request.headers.has('x-acs-action');
  return isRpc ? handleRpc(request) : landingPage();
}

export const POST = (request: Request) => handleRpc(request);
