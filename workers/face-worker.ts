// Worker entry, deliberately tiny: Turbopack also publishes this file's TypeScript source
// under /_next/static/media/ (DESIGN §4), so the implementation lives in pipeline/worker-api.ts.
import { expose } from 'comlink';
import { faceWorkerApi } from './pipeline/worker-api';

export type { FaceWorkerApi } from './pipeline/worker-api';
export type * from './pipeline/types';

expose(faceWorkerApi);
