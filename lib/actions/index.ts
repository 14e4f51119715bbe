import type { RpcAction } from './action';
import { getVerifyToken } from './get-verify-token';
import { getStatus } from './get-status';
import { getMaterials } from './get-materials';
import { compareFaces } from './compare-faces';
import { detectFaceAttributes } from './detect-face-attributes';
import { submitMaterials } from './submit-materials';
import { submitVerification } from './submit-verification';
import { executeRequest } from '../protocols/face-verify/execute-request';

const all: RpcAction[] = [
  getVerifyToken,
  getStatus,
  getMaterials,
  compareFaces,
  detectFaceAttributes,
  submitMaterials,
  submitVerification,
  executeRequest,
];

export const ACTIONS: ReadonlyMap<string, RpcAction> = new Map(all.map((a) => [a.name, a]));
