import { z } from 'zod';
import { defineAction } from './action';
import { QUERY_WIRE } from './cloudauth-2018';
import { findTask } from '../verification/tasks';
import { sceneForCaller } from '../verification/scene-access';

export const getStatus = defineAction({
  name: 'GetStatus',
  wire: QUERY_WIRE,
  params: z.object({ Biz: z.string().max(64), TicketId: z.string().max(128) }),
  async run(ctx, p, call) {
    await sceneForCaller(ctx.db, p.Biz, call.accessKeyId, 'read');
    const task = await findTask(ctx.db, p.Biz, p.TicketId);
    // The seed marks all three fields required: before a decision (and for an unknown ticket,
    // "not verified", -1) SimilarityScore is 0 and AuditConclusions is empty.
    return { StatusCode: task?.status_code ?? -1, SimilarityScore: task?.similarity_score ?? 0, AuditConclusions: task?.audit_conclusions ?? '' };
  },
});
