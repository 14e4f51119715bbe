import * as oidc from 'openid-client';
import type { AppContext } from '../context';
import { newId } from '../ids';
import { open, seal } from '../security/aead';
import { recordAudit } from '../store/audit';
import type { OperatorRole } from '../store/schema';
import { createSession } from './sessions';
import { consoleSettings, type OidcSettings } from './settings';

/**
 * Optional OIDC sign-in for operators (authorization code flow with PKCE, state and nonce, via
 * `openid-client`). The identity provider proves who someone is; the console decides what they
 * may do: an OIDC identity signs in only as an enabled operator that is already linked to it, or
 * whose username equals the configured claim (linked on first use), or — when
 * CONSOLE_OIDC_DEFAULT_ROLE is set — as a new operator with that role.
 */

export const OIDC_COOKIE = 'ca_oidc';
const CALLBACK_PATH = '/console/api/oidc/callback';
/** The round trip through the identity provider must finish within this. */
const FLOW_TTL_MS = 10 * 60_000;
const DISCOVERY_TTL_MS = 10 * 60_000;

export type OidcError = 'OIDC_NOT_CONFIGURED' | 'OIDC_FLOW_INVALID' | 'OIDC_PROVIDER_ERROR' | 'OIDC_NO_OPERATOR' | 'OIDC_OPERATOR_DISABLED' | 'OIDC_EMAIL_NOT_VERIFIED';

export class OidcSignInError extends Error {
  constructor(readonly code: OidcError, message: string) {
    super(message);
  }
}

const g = globalThis as unknown as { __consoleOidc?: { key: string; at: number; config: Promise<oidc.Configuration> } };

function isLoopback(url: URL): boolean {
  return url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]';
}

/** Discovery once per process and issuer (refreshed every 10 minutes: the provider may rotate keys). */
function configuration(s: OidcSettings): Promise<oidc.Configuration> {
  const key = `${s.issuer}|${s.clientId}`;
  const cached = g.__consoleOidc;
  if (cached && cached.key === key && Date.now() - cached.at < DISCOVERY_TTL_MS) return cached.config;
  const issuer = new URL(s.issuer);
  // Plain http only to a provider on this machine (development and tests); anything else must be https.
  const options = issuer.protocol === 'http:' && isLoopback(issuer) ? { execute: [oidc.allowInsecureRequests] } : undefined;
  const config = oidc.discovery(issuer, s.clientId, s.clientSecret, s.clientSecret ? oidc.ClientSecretPost(s.clientSecret) : oidc.None(), options);
  g.__consoleOidc = { key, at: Date.now(), config };
  config.catch(() => {
    if (g.__consoleOidc?.config === config) g.__consoleOidc = undefined;
  });
  return config;
}

interface Flow {
  state: string;
  nonce: string;
  verifier: string;
  exp: number;
}

/** Starts a sign-in: the provider's authorization URL and the sealed cookie that remembers the flow. */
export async function beginOidcSignIn(ctx: AppContext): Promise<{ url: string; cookie: string }> {
  const s = consoleSettings().oidc;
  if (!s) throw new OidcSignInError('OIDC_NOT_CONFIGURED', 'OIDC sign-in is not configured (CONSOLE_OIDC_ISSUER)');
  let config: oidc.Configuration;
  try {
    config = await configuration(s);
  } catch (e) {
    throw new OidcSignInError('OIDC_PROVIDER_ERROR', `OIDC discovery failed: ${(e as Error).message}`);
  }
  const flow: Flow = { state: oidc.randomState(), nonce: oidc.randomNonce(), verifier: oidc.randomPKCECodeVerifier(), exp: Date.now() + FLOW_TTL_MS };
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: `${ctx.config.publicUrl}${CALLBACK_PATH}`,
    scope: s.scope,
    code_challenge: await oidc.calculatePKCECodeChallenge(flow.verifier),
    code_challenge_method: 'S256',
    state: flow.state,
    nonce: flow.nonce,
  });
  const sealed = seal(ctx.keys.consoleOidc, Buffer.from(JSON.stringify(flow)), OIDC_COOKIE).toString('base64url');
  return { url: url.href, cookie: flowCookie(sealed, ctx.config.publicUrl, FLOW_TTL_MS / 1000) };
}

/** The flow cookie: Lax, because the provider sends the browser back with a cross-site top-level GET. */
export function flowCookie(value: string, publicUrl: string, maxAgeSeconds: number): string {
  const secure = publicUrl.startsWith('https:') ? '; Secure' : '';
  return `${OIDC_COOKIE}=${value}; Path=/console/api/oidc; HttpOnly; SameSite=Lax; Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}${secure}`;
}

function readFlow(ctx: AppContext, cookie: string | undefined): Flow {
  if (!cookie) throw new OidcSignInError('OIDC_FLOW_INVALID', 'no sign-in in progress in this browser (cookie missing or expired)');
  let flow: Flow;
  try {
    flow = JSON.parse(open(ctx.keys.consoleOidc, Buffer.from(cookie, 'base64url'), OIDC_COOKIE).toString('utf8')) as Flow;
  } catch {
    throw new OidcSignInError('OIDC_FLOW_INVALID', 'the sign-in cookie is not ours');
  }
  if (!(flow.exp > Date.now())) throw new OidcSignInError('OIDC_FLOW_INVALID', 'the sign-in took longer than 10 minutes; start again');
  return flow;
}

/**
 * Completes a sign-in from the provider's redirect (`search` is the callback's query string):
 * code exchange with the PKCE verifier, state and nonce checked by openid-client, then the
 * operator lookup. Returns a new console session.
 */
export async function completeOidcSignIn(ctx: AppContext, search: string, flowCookieValue: string | undefined): Promise<{ cookie: string; expiresAt: number; username: string }> {
  const s = consoleSettings().oidc;
  if (!s) throw new OidcSignInError('OIDC_NOT_CONFIGURED', 'OIDC sign-in is not configured (CONSOLE_OIDC_ISSUER)');
  const flow = readFlow(ctx, flowCookieValue);
  let claims: Record<string, unknown> & { sub: string };
  try {
    const config = await configuration(s);
    const tokens = await oidc.authorizationCodeGrant(config, new URL(`${ctx.config.publicUrl}${CALLBACK_PATH}${search}`), { pkceCodeVerifier: flow.verifier, expectedState: flow.state, expectedNonce: flow.nonce, idTokenExpected: true });
    const idToken = tokens.claims()!;
    claims = { ...idToken };
    // Many providers put profile and e-mail claims only in the UserInfo answer, not the ID token
    // (OIDC Core §5.4): ask for it, bound to the ID token's subject.
    if (claims[s.usernameClaim] === undefined || (s.usernameClaim === 'email' && claims.email_verified === undefined)) {
      const info = await oidc.fetchUserInfo(config, tokens.access_token, idToken.sub);
      claims = { ...info, ...idToken };
    }
  } catch (e) {
    throw new OidcSignInError('OIDC_PROVIDER_ERROR', `the identity provider's answer was refused: ${(e as Error).message}`);
  }
  const subject = `${s.issuer}|${claims.sub}`;
  const now = Date.now();
  let op = await ctx.db.selectFrom('operators').selectAll().where('oidc_subject', '=', subject).executeTakeFirst();
  if (!op) {
    const name = claims[s.usernameClaim];
    // An e-mail address names an operator only once the provider has verified it.
    if (s.usernameClaim === 'email' && claims.email_verified !== true) throw new OidcSignInError('OIDC_EMAIL_NOT_VERIFIED', 'the identity provider has not verified this e-mail address');
    if (typeof name !== 'string' || !name) throw new OidcSignInError('OIDC_NO_OPERATOR', `the ID token has no "${s.usernameClaim}" claim`);
    const byName = await ctx.db.selectFrom('operators').selectAll().where('username', '=', name).executeTakeFirst();
    if (byName && byName.oidc_subject === null) {
      await ctx.db.updateTable('operators').set({ oidc_subject: subject, updated_at: now }).where('id', '=', byName.id).where('oidc_subject', 'is', null).execute();
      op = { ...byName, oidc_subject: subject };
      await recordAudit(ctx.db, { actor: `operator:${byName.username}`, event: 'console.oidc.linked', detail: { issuer: s.issuer } });
    } else if (!byName && s.defaultRole) {
      const id = newId('op_');
      const role: OperatorRole = s.defaultRole;
      await ctx.db.insertInto('operators').values({ id, username: name, role, password_hash: null, oidc_subject: subject, enabled: 1, failed_count: 0, locked_until: null, last_sign_in_at: null, created_at: now, updated_at: now }).execute();
      op = await ctx.db.selectFrom('operators').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      await recordAudit(ctx.db, { actor: `operator:${name}`, event: 'console.oidc.provisioned', detail: { issuer: s.issuer, role } });
    } else {
      await recordAudit(ctx.db, { actor: `oidc:${name}`, event: 'console.sign_in.refused', detail: { issuer: s.issuer, reason: byName ? 'linked to another identity' : 'no such operator' } });
      throw new OidcSignInError('OIDC_NO_OPERATOR', 'no console operator is linked to this identity; ask an administrator');
    }
  }
  if (op.enabled !== 1) throw new OidcSignInError('OIDC_OPERATOR_DISABLED', 'this operator is disabled');
  await ctx.db.updateTable('operators').set({ last_sign_in_at: now, updated_at: now }).where('id', '=', op.id).execute();
  const session = await createSession(ctx.db, op.id, now);
  await recordAudit(ctx.db, { actor: `operator:${op.username}`, event: 'console.signed_in', detail: { via: 'oidc' } });
  return { cookie: session.cookie, expiresAt: session.expiresAt, username: op.username };
}
