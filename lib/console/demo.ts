import crypto from 'node:crypto';
import type { AppContext } from '../context';
import { DEMO_BIZ, DEMO_KEY_DESCRIPTION } from '../provisioning';
import { handleRpc } from '../rpc/handle-rpc';
import { signV1 } from '../rpc/signature-v1';
import { getScene } from '../store/scenes';
import { consoleSettings } from './settings';

/** The demo plays the partner with the demo key created on first start; null when it cannot. */
export async function demoKey(ctx: AppContext): Promise<{ id: string; secret: string } | null> {
  if (!consoleSettings().demoPage) return null;
  const scene = await getScene(ctx.db, DEMO_BIZ);
  if (!scene?.enabled) return null;
  const row = await ctx.db.selectFrom('access_keys').select(['id']).where('description', '=', DEMO_KEY_DESCRIPTION).where('enabled', '=', 1).orderBy('created_at').executeTakeFirst();
  if (!row) return null;
  const k = await ctx.accessKeys.lookup(row.id);
  return k?.enabled ? { id: row.id, secret: k.secret } : null;
}

/**
 * A signed Cloudauth RPC call (signature 1.0, POST form body, exactly as pop-core sends it),
 * answered by the same handler partners reach: the demo uses the real API, in process.
 */
export async function callApi(ctx: AppContext, key: { id: string; secret: string }, action: string, params: Record<string, string>): Promise<Record<string, any>> {
  const all: Record<string, string> = {
    Format: 'JSON', SignatureMethod: 'HMAC-SHA1', SignatureNonce: crypto.randomBytes(16).toString('hex'), SignatureVersion: '1.0',
    Timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'), AccessKeyId: key.id, Version: '2018-09-16', Action: action, RegionId: ctx.config.regionIds[0]!, ...params,
  };
  all.Signature = signV1('POST', all, key.secret);
  const res = await handleRpc(new Request(`${ctx.config.publicUrl}/`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(all).toString() }));
  return (await res.json()) as Record<string, any>;
}
