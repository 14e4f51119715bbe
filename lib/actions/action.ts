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
}

export function defineAction<S extends z.ZodType>(action: RpcAction<S>): RpcAction<S> {
  return action;
}
