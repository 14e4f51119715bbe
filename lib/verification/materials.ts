import type { AppContext } from '../context';
import { newId, sha256Hex } from '../ids';
import type { Db } from '../store/database';

/** Image kinds a task can hold; the names are the Binding / GetMaterials field names. */
export const IMAGE_KINDS = ['FacePic', 'IDPic', 'IdCardFrontPic', 'IdCardBackPic', 'FaceRetainedPic'] as const;
export type ImageKind = (typeof IMAGE_KINDS)[number];

/** Store (or replace) one image of a task: blob first, then the row, then drop the old blob. */
export async function putMaterial(ctx: AppContext, taskId: string, kind: string, data: Buffer, mime: string, db: Db = ctx.db): Promise<void> {
  const blobKey = await ctx.blobs.put(data);
  const old = await db.selectFrom('materials').select(['id', 'blob_key']).where('task_id', '=', taskId).where('kind', '=', kind).execute();
  await db.insertInto('materials').values({ id: newId('m_'), task_id: taskId, kind, blob_key: blobKey, mime, size: data.length, sha256: sha256Hex(data), created_at: Date.now() }).execute();
  if (old.length) {
    await db.deleteFrom('materials').where('id', 'in', old.map((o) => o.id)).execute();
    for (const o of old) await ctx.blobs.delete(o.blob_key);
  }
}

export async function listMaterials(db: Db, taskId: string) {
  return db.selectFrom('materials').select(['id', 'kind', 'mime', 'size', 'created_at']).where('task_id', '=', taskId).orderBy('created_at').execute();
}

export async function readMaterial(ctx: AppContext, materialId: string): Promise<{ data: Buffer; mime: string } | null> {
  const row = await ctx.db.selectFrom('materials').select(['blob_key', 'mime']).where('id', '=', materialId).executeTakeFirst();
  if (!row) return null;
  return { data: await ctx.blobs.get(row.blob_key), mime: row.mime };
}
