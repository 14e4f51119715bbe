import type { Db } from './database';

/**
 * Records a SignatureNonce for an AccessKey; false when it was already used inside the window.
 * The primary key makes this atomic across every instance sharing the database.
 */
export async function claimNonce(db: Db, accessKeyId: string, nonce: string, expiresAt: number): Promise<boolean> {
  const r = await db
    .insertInto('nonces')
    .values({ access_key_id: accessKeyId, nonce, expires_at: expiresAt })
    .onConflict((oc) => oc.columns(['access_key_id', 'nonce']).doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
}

export async function purgeExpiredNonces(db: Db, now = Date.now()): Promise<number> {
  const r = await db.deleteFrom('nonces').where('expires_at', '<', now).executeTakeFirst();
  return Number(r.numDeletedRows);
}
