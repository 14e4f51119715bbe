import type { z } from 'zod';
import type { AppContext } from '../context';
import type { RpcErrorCode } from '../rpc/errors';

export interface CallInfo {
  accessKeyId: string;
  requestId: string;
  /** The request's API version (an action may answer older versions differently). */
  version: string;
}

/**
 * The wire rules a documented action family has beyond its parameters (seed 002 for the
 * 2018-09-16 actions): which versions know it, whether GET is refused, whether RegionId is
 * required, which code a missing parameter and an internal failure get, and statuses that differ
 * from the catalogue in lib/rpc/errors.ts.
 */
export interface ActionWire {
  /** Versions whose rules these are. */
  versions: ReadonlySet<string>;
  /** Versions of another family that also call this action, under that family's own conventions. */
  alsoServedIn?: ReadonlySet<string>;
  postOnly: boolean;
  regionRequired: boolean;
  /** Answered for an absent or empty action parameter. */
  missingCode: RpcErrorCode;
  /** Answered for an unexpected failure inside the action (logged with the RequestId). */
  internalError: RpcErrorCode;
  statusOverrides?: Partial<Record<RpcErrorCode, number>>;
}

/** One API action: its parameter schema and a handler returning the `Data` object. */
export interface RpcAction<S extends z.ZodType = z.ZodType> {
  name: string;
  params: S;
  run(ctx: AppContext, params: z.infer<S>, call: CallInfo): Promise<Record<string, unknown>>;
  /** A family with its own success envelope (face_verify: numeric Code, Message): builds the body from run()'s result. */
  envelope?(result: Record<string, unknown>, requestId: string): Record<string, unknown>;
  wire?: ActionWire;
}

export function defineAction<S extends z.ZodType>(action: RpcAction<S>): RpcAction<S> {
  return action;
}
