import type { RpcAction } from '../../actions/action';
import { initFaceVerify } from './init-face-verify';
import { deleteFaceVerifyResult, describeFaceVerify } from './describe-face-verify';
import { compareFaceVerify, contrastFaceVerify, livenessFaceVerify } from './server-verify';
import { describeVerifyResult, describeVerifyToken, verifyMaterial } from './verify-token';

export const CLOUDAUTH_2019_VERSION = '2019-03-07';

/**
 * The 2019-03-07 actions (thin adapters; every decision is in lib/verification). The dispatcher
 * consults this map first for Version 2019-03-07 and falls back to the shared actions
 * (CompareFaces, DetectFaceAttributes…), which the 2019 SDK calls with the 2018 shapes.
 */
export const ACTIONS_2019: ReadonlyMap<string, RpcAction> = new Map(
  [initFaceVerify, describeFaceVerify, livenessFaceVerify, contrastFaceVerify, compareFaceVerify, deleteFaceVerifyResult, describeVerifyToken, describeVerifyResult, verifyMaterial].map((a) => [a.name, a as RpcAction]),
);
