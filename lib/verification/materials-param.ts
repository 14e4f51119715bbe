import { RpcError } from '../rpc/errors';
import { IMAGE_KINDS } from './materials';

/** Seed 002: `Material.n.*` with n from 1 to at most 10. */
export const MAX_MATERIALS = 10;

/** The seed's material types (Mobile: stored with the record only), plus our FaceRetainedPic. */
export const MATERIAL_TYPES = ['Name', 'IdentificationNumber', 'Mobile', ...IMAGE_KINDS] as const;
export type MaterialType = (typeof MATERIAL_TYPES)[number];

/**
 * `Material.n.MaterialType` / `Material.n.Value`, as pop-core flattens an array of objects, read
 * with the seed's codes: none at all is InvalidParam.MaterialsEmpty; a half pair is
 * InvalidParam.ParamMissing; n outside 1–10, an unknown type or a type given twice is
 * InvalidParam.MaterialsNotValid. (Empty values were already dropped as absent.)
 */
export function readMaterialList(params: Record<string, unknown>): Map<MaterialType, string> {
  const pairs = new Map<number, { type?: unknown; value?: unknown }>();
  for (const [key, v] of Object.entries(params)) {
    if (!key.startsWith('Material.')) continue;
    const m = /^Material\.([1-9]\d{0,2})\.(MaterialType|Value)$/.exec(key);
    if (!m) throw new RpcError('InvalidParam.MaterialsNotValid', `${key} is not Material.n.MaterialType or Material.n.Value with n from 1 to ${MAX_MATERIALS}`);
    const n = Number(m[1]);
    if (n > MAX_MATERIALS) throw new RpcError('InvalidParam.MaterialsNotValid', `${key}: n is at most ${MAX_MATERIALS}`);
    const pair = pairs.get(n) ?? {};
    if (m[2] === 'MaterialType') pair.type = v;
    else pair.value = v;
    pairs.set(n, pair);
  }
  if (!pairs.size) throw new RpcError('InvalidParam.MaterialsEmpty', 'The materials list is empty: send Material.1.MaterialType and Material.1.Value');
  const out = new Map<MaterialType, string>();
  for (const [n, { type, value }] of [...pairs].sort(([a], [b]) => a - b)) {
    for (const [field, v] of [['MaterialType', type], ['Value', value]] as const) {
      if (typeof v !== 'string' || !v) throw new RpcError('InvalidParam.ParamMissing', `The input parameter "Material.${n}.${field}" that is mandatory for processing this request is not supplied.`);
    }
    if (!(MATERIAL_TYPES as readonly string[]).includes(type as string)) throw new RpcError('InvalidParam.MaterialsNotValid', `Material.${n}.MaterialType ${String(type)} is not one of ${MATERIAL_TYPES.join(', ')}`);
    if (out.has(type as MaterialType)) throw new RpcError('InvalidParam.MaterialsNotValid', `MaterialType ${String(type)} is given twice`);
    out.set(type as MaterialType, value as string);
  }
  return out;
}
