import crypto from 'node:crypto';
import RPCClient from '@alicloud/pop-core';
import { signV1 } from '../../lib/rpc/signature-v1';

/** The 2018-09-16 actions, which require RegionId (seed 002). */
export const ACTIONS_2018 = new Set(['GetVerifyToken', 'GetStatus', 'GetMaterials', 'SubmitMaterials', 'SubmitVerification', 'CompareFaces', 'DetectFaceAttributes']);

/**
 * The official @alicloud/pop-core client as a partner sets it up for Cloudauth 2018-09-16:
 * `RegionId: 'cn-hangzhou'` on every call (the seed requires it; pop-core does not add it).
 */
export class CloudauthClient extends RPCClient {
  override request<T>(action: string, params: object = {}, options?: object): Promise<T> {
    return super.request<T>(action, { RegionId: 'cn-hangzhou', ...params }, options);
  }
}

export interface Key {
  id: string;
  secret: string;
}

export const TEST_KEY: Key = { id: 'LTAItestkey0001', secret: 'test-secret-0123456789abcdef' };
export const OTHER_KEY: Key = { id: 'LTAItestkey0002', secret: 'other-secret-0123456789abcdef' };

export const PROVISION = {
  accessKeys: [TEST_KEY, OTHER_KEY],
  scenes: [
    {
      biz: 'demo-h5',
      scheme: 'RPH5BioOnly',
      liveness: { actions: ['blink', 'mouth_open', 'turn_left', 'turn_right', 'nod'], count: 2, timeoutSeconds: 60 },
      securityLevel: 2,
      maxAttempts: 3,
      redirectOrigins: ['https://partner.example'],
    },
  ],
};

/** Valid 18-digit ID number (GB 11643 check character correct). */
export const GOOD_ID = '11010519491231002X';

/** Builds a signed parameter set the way pop-core does, with knobs to break it. */
export function signedParams(
  action: string,
  params: Record<string, string>,
  opts: { key?: Key; method?: 'GET' | 'POST'; nonce?: string; timestamp?: string; format?: string; signWith?: string } = {},
): Record<string, string> {
  const key = opts.key ?? TEST_KEY;
  const all: Record<string, string> = {
    Format: opts.format ?? 'JSON',
    SignatureMethod: 'HMAC-SHA1',
    SignatureNonce: opts.nonce ?? crypto.randomBytes(16).toString('hex'),
    SignatureVersion: '1.0',
    Timestamp: opts.timestamp ?? new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    AccessKeyId: key.id,
    Version: '2018-09-16',
    Action: action,
    ...(ACTIONS_2018.has(action) ? { RegionId: 'cn-hangzhou' } : {}),
    ...params,
  };
  if (opts.format === '') delete all.Format;
  all.Signature = signV1(opts.method ?? 'GET', all, opts.signWith ?? key.secret);
  return all;
}

export async function rawGet(base: string, params: Record<string, string>) {
  const res = await fetch(`${base}/?${new URLSearchParams(params)}`);
  return { status: res.status, text: await res.text(), type: res.headers.get('content-type') ?? '' };
}

export async function rawPost(base: string, params: Record<string, string> | string) {
  const body = typeof params === 'string' ? params : new URLSearchParams(params).toString();
  const res = await fetch(`${base}/`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
  return { status: res.status, text: await res.text(), type: res.headers.get('content-type') ?? '' };
}

export function json(r: { text: string }): Record<string, any> {
  return JSON.parse(r.text) as Record<string, any>;
}
