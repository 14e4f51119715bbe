import { z } from 'zod';
import type { AppContext } from '../../context';
import type { CallInfo } from '../../actions/action';
import { deleteVerificationData } from '../../verification/delete-results';
import { findByCertifyId } from '../../verification/protocol-tasks';
import { Answer2019, defineFaceAction, opt, sceneIdParam } from './envelope';
import { deviceSignals, materialInfo } from './material-info';
import { subCodeFor } from './sub-codes';

const options = (raw: string | null) => (raw ? (JSON.parse(raw) as { sceneId?: number; deleteAfterQuery?: boolean }) : {});

/** The task of a CertifyId for this key and, when the request names one, this SceneId; else Code 406. */
async function certified(ctx: AppContext, certifyId: string, call: CallInfo, sceneId?: number) {
  const found = await findByCertifyId(ctx, certifyId, call.accessKeyId);
  if (!found) throw new Answer2019('406', 'CertifyId');
  if (sceneId !== undefined && options(found.link.options).sceneId !== sceneId) throw new Answer2019('406', 'CertifyId does not belong to this SceneId');
  return found;
}

/**
 * DescribeFaceVerify: the stored outcome of a CertifyId. An undecided one (no attempt yet, under
 * way, a retry pending, or expired) answers Code 424 as documented; a decided one Passed T/F,
 * SubCode, MaterialInfo (JSON string) and the device signals.
 */
export const describeFaceVerify = defineFaceAction({
  name: 'DescribeFaceVerify',
  schema: z.object({ SceneId: sceneIdParam, CertifyId: z.string().min(1).max(64), PictureReturnType: opt(16).pipe(z.enum(['url']).optional()) }).passthrough(),
  async run(ctx, p, call) {
    const { task, link } = await certified(ctx, p.CertifyId, call, p.SceneId);
    if (task.status_code !== 1 && task.status_code !== 2) throw new Answer2019('424', 'the verification has not finished');
    const result = {
      Passed: task.status_code === 1 ? 'T' : 'F',
      SubCode: subCodeFor(task.status_code, task.audit_conclusions),
      MaterialInfo: await materialInfo(ctx, task),
      IdentityInfo: null,
      ...(await deviceSignals(ctx, task.id)),
    };
    if (options(link.options).deleteAfterQuery) await deleteVerificationData(ctx, task.id, `ak:${call.accessKeyId}`, 'DeleteAfterQuery');
    return result;
  },
});

/**
 * DeleteFaceVerifyResult: deletes the verification's images and scores now (DeleteAfterQuery=Y:
 * right after the next DescribeFaceVerify). The outcome (Passed, SubCode) and the fact of the
 * deletion stay in the record and the audit trail.
 */
export const deleteFaceVerifyResult = defineFaceAction({
  name: 'DeleteFaceVerifyResult',
  schema: z.object({ CertifyId: z.string().min(1).max(64), DeleteAfterQuery: opt(1).pipe(z.enum(['Y', 'N']).optional()) }).passthrough(),
  async run(ctx, p, call) {
    const { task, link } = await certified(ctx, p.CertifyId, call);
    if (task.status_code !== 1 && task.status_code !== 2) return { CertifyId: p.CertifyId, DeleteResult: 'F', FailReason: 'the verification has not finished' };
    if (p.DeleteAfterQuery === 'Y') {
      await ctx.db.updateTable('protocol_tasks').set({ options: JSON.stringify({ ...options(link.options), deleteAfterQuery: true }) }).where('task_id', '=', task.id).execute();
      return { CertifyId: p.CertifyId, DeleteResult: 'T' };
    }
    await deleteVerificationData(ctx, task.id, `ak:${call.accessKeyId}`, 'DeleteFaceVerifyResult');
    return { CertifyId: p.CertifyId, DeleteResult: 'T' };
  },
});
