import type { Db } from '../store/database';
import type { DecisionSnapshot } from '../verification/callbacks/outbox';
import type { CallbackProtocol } from '../verification/callbacks/targets';
import { faceVerifyCallbackParams, verifyTokenCallbackParams } from './cloudauth-2019/callbacks';

/**
 * The query parameters each protocol's callback carries, built from the stored outcome when the
 * decision is enqueued (lib/verification/callbacks/outbox.ts). A protocol that offers callbacks
 * adds its row here; the outbox, its retries and its audit trail are shared.
 */
export const CALLBACK_FORMATS: Record<CallbackProtocol, (db: Db, d: DecisionSnapshot) => Promise<Record<string, string>>> = {
  cloudauth_2019_face: faceVerifyCallbackParams,
  cloudauth_2019_token: verifyTokenCallbackParams,
};

/** The query parameter that carries the partner's own CallbackToken / CallbackSeed back to it. */
export const CALLBACK_SECRET_PARAM: Record<CallbackProtocol, string> = {
  cloudauth_2019_face: 'callbackToken',
  cloudauth_2019_token: 'callbackSeed',
};
