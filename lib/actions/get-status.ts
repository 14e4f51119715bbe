import { z } from 'zod';
import { defineAction } from './action';
import { findTask } from '../verification/tasks';

export const getStatus = defineAction({
  name: 'GetStatus',
  params: z.object({ Biz: z.string().min(1).max(64), TicketId: z.string().min(1).max(128) }),
  async run(ctx, p) {
    const task = await findTask(ctx.db, p.Biz, p.TicketId);
    // An unknown ticket is "no verification" (-1), as the vendor answers, not an error.
    if (!task) return { StatusCode: -1 };
    const data: Record<string, unknown> = { StatusCode: task.status_code };
    if (task.similarity_score !== null) data.SimilarityScore = task.similarity_score;
    if (task.audit_conclusions) data.AuditConclusions = task.audit_conclusions;
    return data;
  },
});
