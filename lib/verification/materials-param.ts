import { RpcError } from '../rpc/errors';

/** `Material.N.MaterialType` / `Material.N.Value`, as pop-core flattens an array of objects. */
export function readMaterialList(params: Record<string, unknown>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, type] of Object.entries(params)) {
    const m = /^Material\.(\d{1,3})\.MaterialType$/.exec(key);
    if (!m) continue;
    if (typeof type !== 'string' || !type) throw new RpcError('InvalidParameter', `${key} is empty`);
    const value = params[`Material.${m[1]}.Value`];
    if (typeof value !== 'string' || !value) throw new RpcError('MissingParameter', `The input parameter "Material.${m[1]}.Value" that is mandatory for processing this request is not supplied.`);
    if (out.has(type)) throw new RpcError('InvalidParameter', `MaterialType ${type} is given twice`);
    out.set(type, value);
  }
  if (!out.size) throw new RpcError('MissingParameter', 'The input parameter "Material" that is mandatory for processing this request is not supplied.');
  return out;
}
