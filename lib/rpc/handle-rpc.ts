import { z } from 'zod';
import { getAppContext } from '../context';
import { ACTIONS } from '../actions';
import { ACTIONS_2019, CLOUDAUTH_2019_VERSION } from '../protocols/cloudauth-2019';
import { log } from '../log';
import { newRequestId } from '../ids';
import { authenticateAcs3, authenticateV1 } from './authenticate';
import { RpcError, type RpcErrorCode } from './errors';
import { readRpcRequest } from './request';
import { pickFormat, render, type ResponseFormat } from './response-format';
import { observeRpc } from '../console/metrics';
import { noteKeyUsed } from '../console/keys';
import type { ActionWire } from '../actions/action';
import { RELEASE_NOTE_VERSIONS } from '../actions/cloudauth-2018';
import type { AppConfig } from '../config';

/** API versions of Cloudauth whose RPC actions we serve; anything else is a client mistake. */
const VERSIONS = new Set(['2017-03-31', ...RELEASE_NOTE_VERSIONS, '2018-09-30', '2018-12-03', '2019-03-07', '2020-11-12']);

/** The whole RPC endpoint: parse, authenticate, validate, run the action, render JSON or XML. */
export async function handleRpc(request: Request): Promise<Response> {
  const requestId = newRequestId();
  // ACS3 clients (Authorization header) expect JSON even for errors found before the body is parsed.
  let format: ResponseFormat = pickFormat(new URL(request.url).searchParams.get('Format') ?? (request.headers.get('authorization') ? 'JSON' : undefined));
  let action = 'Unknown';
  // Set once the request is known to follow a documented family's rules (its error table).
  let wire: ActionWire | undefined;
  const started = performance.now();
  try {
    if (request.method !== 'GET' && request.method !== 'POST') throw new RpcError('UnsupportedHTTPMethod', `HTTP method ${request.method} is not supported; use GET or POST`);
    const req = await readRpcRequest(request);
    const { params } = req;
    // The ACS3 SDKs expect JSON and send no Format; RPC 1.0 clients get Aliyun's XML default.
    format = pickFormat(params.Format ?? (req.acs3 ? 'JSON' : undefined));
    action = params.Action ?? '';
    if (!action) throw new RpcError('MissingParameter', 'The input parameter "Action" that is mandatory for processing this request is not supplied.');
    // Version-specific actions first (2019-03-07), then the shared ones.
    const def = (params.Version === CLOUDAUTH_2019_VERSION ? ACTIONS_2019.get(action) : undefined) ?? ACTIONS.get(action);
    if (!def) throw new RpcError('InvalidAction.NotFound', `Specified api ${action} is not found, please check your url and method.`);
    const version = params.Version;
    if (!version) throw new RpcError('MissingParameter', 'The input parameter "Version" that is mandatory for processing this request is not supplied.');
    if (!VERSIONS.has(version)) throw new RpcError('InvalidVersion', `Specified version ${version} is not supported.`);
    if (def.wire?.versions.has(version)) wire = def.wire;
    else if (def.wire && !def.wire.alsoServedIn?.has(version)) throw new RpcError('InvalidAction.NotFound', `Specified api ${action} is not found in version ${version}.`);
    if (wire?.postOnly && request.method !== 'POST') throw new RpcError('UnsupportedHTTPMethod', `This http method is not supported: ${action} accepts POST only.`);
    const ctx = await getAppContext();
    const accessKeyId = req.acs3 ? await authenticateAcs3(ctx, req) : await authenticateV1(ctx, request.method, params);
    noteKeyUsed(ctx.db, accessKeyId);
    const actionParams = wire ? documentedParams(params, wire, ctx.config) : params;
    const parsed = def.params.safeParse(actionParams);
    if (!parsed.success) throw paramError(parsed.error, wire?.missingCode ?? 'MissingParameter');
    const data = await def.run(ctx, parsed.data, { accessKeyId, requestId, version });
    log.info({ requestId, action, accessKeyId, ms: Math.round(performance.now() - started) }, 'rpc ok');
    observeRpc(action, '1', (performance.now() - started) / 1000);
    return render(format, `${action}Response`, def.envelope ? def.envelope(data, requestId) : { RequestId: requestId, Data: data, Success: true, Code: '1' });
  } catch (err) {
    let e = err instanceof RpcError ? err : null;
    if (e?.internal && wire) e = e.as(wire.internalError);
    if (!e) log.error({ requestId, action, err: (err as Error)?.message, stack: (err as Error)?.stack }, 'rpc internal error');
    else log.info({ requestId, action, code: e.code }, 'rpc rejected');
    // An unexpected failure is the family's documented internal error (seed 002: e.g. Error.GetMaterialsError).
    const code = e?.code ?? wire?.internalError ?? 'InternalError';
    observeRpc(ACTIONS.has(action) || ACTIONS_2019.has(action) ? action : 'Unknown', code, (performance.now() - started) / 1000);
    const message = e?.message ?? 'The request processing has failed due to some unknown error.';
    const hostId = (await getAppContext().catch(() => null))?.config.hostId ?? 'cloudauth';
    const status = (e && wire?.statusOverrides?.[e.code]) ?? e?.status ?? 500;
    return render(format, 'Error', { RequestId: requestId, HostId: hostId, Code: code, Message: message, Success: false }, status);
  }
}

/**
 * A documented family's action parameters: an empty value counts as absent (the seed's
 * ParamMissing covers both), and RegionId is required and must be one this deployment serves.
 */
function documentedParams(params: Record<string, string>, wire: ActionWire, config: AppConfig): Record<string, string> {
  const out = Object.fromEntries(Object.entries(params).filter(([, v]) => v !== ''));
  if (wire.regionRequired) {
    if (out.RegionId === undefined) throw new RpcError(wire.missingCode, 'The input parameter "RegionId" that is mandatory for processing this request is not supplied.');
    if (!config.regionIds.includes(out.RegionId)) throw new RpcError('InvalidRegionId', `The specified RegionId ${out.RegionId} is not served here; use ${config.regionIds.join(' or ')}.`);
  }
  return out;
}

function paramError(error: z.ZodError, missingCode: RpcErrorCode): RpcError {
  const issue = error.issues[0]!;
  const name = String(issue.path[0] ?? 'parameter');
  const missing = issue.code === 'invalid_type' && /received undefined/.test(issue.message);
  if (missing) return new RpcError(missingCode, `The input parameter "${name}" that is mandatory for processing this request is not supplied.`);
  if (name === 'Binding') return new RpcError('InvalidParam.Binding', issue.message);
  return new RpcError('InvalidParameter', `The parameter "${name}" is invalid: ${issue.message}`);
}
