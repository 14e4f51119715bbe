import type { AppContext } from '../../context';
import type { Db } from '../../store/database';
import { sealString } from '../../security/aead';
import { resolveOutboundHost, urlHost } from '../../security/outbound-address';

/** Which protocol's query parameters a callback carries (lib/protocols/callback-formats.ts). */
export type CallbackProtocol = 'cloudauth_2019_face' | 'cloudauth_2019_token';

export type CallbackUrlProblem = 'malformed' | 'origin_not_allowed' | 'unresolvable' | 'private_address';

/** A scene's callbackOrigins entry as an origin (`https://host[:port]`), or null when it is none. */
function originOf(u: string): string | null {
  try {
    return new URL(u).origin;
  } catch {
    return null;
  }
}

/**
 * May a callback go to `raw`? An absolute http(s) URL without credentials, whose origin the scene
 * lists in `callbackOrigins`, and whose host resolves only to public addresses (or to networks
 * the operator listed in CLOUDAUTH_FETCH_PRIVATE_NETWORKS). Checked when the partner registers
 * the URL and again before every delivery (DNS and the scene may have changed since).
 */
export async function checkCallbackUrl(raw: string, callbackOrigins: readonly string[], privateNetworks: readonly string[]): Promise<{ ok: true; url: URL } | { ok: false; problem: CallbackUrlProblem }> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, problem: 'malformed' };
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password || url.hash) return { ok: false, problem: 'malformed' };
  if (!callbackOrigins.map(originOf).includes(url.origin)) return { ok: false, problem: 'origin_not_allowed' };
  const resolved = await resolveOutboundHost(urlHost(url), privateNetworks);
  if (!resolved.ok) return { ok: false, problem: resolved.why === 'private' ? 'private_address' : 'unresolvable' };
  return { ok: true, url };
}

/** Registers (or replaces: a new token for the ticket) where the task's final outcome is called back. */
export async function registerCallbackTarget(ctx: AppContext, input: { taskId: string; protocol: CallbackProtocol; accessKeyId: string; url: string; secret?: string | null }, db: Db = ctx.db): Promise<void> {
  const row = { protocol: input.protocol, access_key_id: input.accessKeyId, url: input.url, secret_enc: input.secret ? sealString(ctx.keys.identity, input.secret, `callback:${input.taskId}`) : null, created_at: Date.now() };
  await db
    .insertInto('callback_targets')
    .values({ task_id: input.taskId, ...row })
    .onConflict((oc) => oc.column('task_id').doUpdateSet(row))
    .execute();
}

/** A new token for a ticket without a CallbackUrl: the old registration no longer applies. */
export async function clearCallbackTarget(db: Db, taskId: string): Promise<void> {
  await db.deleteFrom('callback_targets').where('task_id', '=', taskId).execute();
}
