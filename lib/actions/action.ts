import type { z } from 'zod';
import type { AppContext } from '../context';

export interface CallInfo {
  accessKeyId: string;
  requestId: string;
}

/** One API action: its parameter schema and a handler returning the `Data` object. */
export interface RpcAction<S extends z.ZodType = z.ZodType> {
  name: string;
  params: S;
  run(ctx: AppContext, params: z.infer<S>, call: CallInfo): Promise<Record<string, unknown>>;
  /** A family with its own success envelope (face_verify: numeric Code, Message): builds the body from run()'s result. */
  envelope?(result: Record<string, unknown>, requestId: string): Record<string, unknown>;
}

export function defineAction<S extends z.ZodType>(action: RpcAction<S>): RpcAction<S> {
  return action;
}
