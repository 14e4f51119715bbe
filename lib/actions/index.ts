import { z } from 'zod';
import { RpcError } from '../rpc/errors';
import { defineAction, type RpcAction } from './action';
import { getVerifyToken } from './get-verify-token';
import { getStatus } from './get-status';
import { getMaterials } from './get-materials';
import { compareFaces } from './compare-faces';
import { detectFaceAttributes } from './detect-face-attributes';
import { submitMaterials } from './submit-materials';
import { submitVerification } from './submit-verification';

/** Actions of the seed API that this build does not serve yet answer clearly instead of faking a result. */
function notAvailable(name: string): RpcAction {
  return defineAction({
    name,
    params: z.object({}).passthrough(),
    async run() {
      throw new RpcError('Forbidden.ActionNotAvailable', `${name} is not available on this server yet`);
    },
  });
}

const all: RpcAction[] = [
  getVerifyToken,
  getStatus,
  getMaterials,
  compareFaces,
  detectFaceAttributes,
  submitMaterials,
  submitVerification,
];

export const ACTIONS: ReadonlyMap<string, RpcAction> = new Map(all.map((a) => [a.name, a]));
