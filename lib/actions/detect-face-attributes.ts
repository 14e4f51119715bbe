import { z } from 'zod';
import { RpcError } from '../rpc/errors';
import { defineAction } from './action';
import { DETECT_WIRE, is2018Call } from './cloudauth-2018';
import { loadImage } from '../verification/image-input';
import { analyzeImage } from '../verification/face-match';

/** The seed's RetAttributes values. */
const DOCUMENTED = ['facetype', 'headpose', 'glasses', 'blur', 'smiling', 'gender', 'age'] as const;
/**
 * Attributes we really measure. Gender, age, smiling and glasses are left out on purpose: their
 * models are not validated on real images, and an invented value is worse than a missing one
 * (the seed marks every attribute optional). README, "DetectFaceAttributes".
 */
const SUPPORTED = ['facetype', 'headpose', 'blur'] as const;
type Attribute = (typeof SUPPORTED)[number];

/** Sharpness (Laplacian variance on the 112 px face crop) below which a face is blurred. */
export const BLURRED_BELOW_SHARPNESS = 50;

/**
 * The seed's scale: larger is blurrier, ≥ 2.0 is blurred. 2.0 exactly at BLURRED_BELOW_SHARPNESS,
 * inversely proportional to sharpness (a sharp face at ~500 scores 0.2), capped at 100.
 */
export function blurFromSharpness(sharpness: number): number {
  return Math.round((2 * BLURRED_BELOW_SHARPNESS * 100) / Math.max(1, sharpness)) / 100;
}

/** Turned left or right by more than this is a profile (the seed's Facetype "Profile"). */
const PROFILE_YAW_DEGREES = 30;

const round1 = (v: number) => Math.round(v * 10) / 10;

function requestedAttributes(raw: string | undefined, version2018: boolean): Set<Attribute> {
  if (raw === undefined) {
    // The seed requires RetAttributes; the 2019-03-07 SDK has no such field and gets everything.
    if (version2018) throw new RpcError('InvalidParam.ParamMissing', 'The input parameter "RetAttributes" that is mandatory for processing this request is not supplied.');
    return new Set(SUPPORTED);
  }
  const names = raw.split(',').map((a) => a.trim().toLowerCase()).filter(Boolean);
  const unknown = names.filter((a) => !(DOCUMENTED as readonly string[]).includes(a));
  if (unknown.length) throw new RpcError('InvalidParam.RetAttributesNotSupported', `Unknown RetAttributes ${unknown.join(', ')}; documented: ${DOCUMENTED.join(', ')}`);
  const attrs = new Set(names.filter((a): a is Attribute => (SUPPORTED as readonly string[]).includes(a)));
  if (!attrs.size) throw new RpcError('InvalidParam.RetAttributesNotSupported', `None of RetAttributes is measured here; supported: ${SUPPORTED.join(', ')}`);
  return attrs;
}

export const detectFaceAttributes = defineAction({
  name: 'DetectFaceAttributes',
  wire: DETECT_WIRE,
  params: z.object({
    MaterialValue: z.string(),
    RetAttributes: z.string().max(500).optional(),
    MaxFaceNum: z.coerce.number().int().min(1).max(10).default(1),
    // Accepted as the seed's sample sends them; no photo is ever kept, so they change nothing.
    DontSaveDB: z.enum(['true', 'false']).optional(),
    ClientTag: z.string().max(256).optional(),
    MaxNumPhotosPerCategory: z.coerce.number().int().min(0).optional(),
  }),
  async run(ctx, p, call) {
    const attrs = requestedAttributes(p.RetAttributes, is2018Call(DETECT_WIRE, call.version));
    const image = await loadImage(p.MaterialValue, 'MaterialValue', ctx.config);
    const analysis = await analyzeImage(image.data, 'MaterialValue', { embed: false, liveness: false, maxFaces: p.MaxFaceNum, lane: 'batch' });
    const faces = analysis.faces.slice(0, p.MaxFaceNum).map((f) => {
      const attributes: Record<string, unknown> = {};
      // "None" (a cartoon or an animal) is never answered: nothing here can tell one from a face.
      if (attrs.has('facetype')) attributes.Facetype = Math.abs(f.pose.yaw) > PROFILE_YAW_DEGREES ? 'Profile' : 'Face';
      if (attrs.has('headpose')) attributes.Headpose = { PitchAngle: round1(f.pose.pitch), RollAngle: round1(f.pose.roll), YawAngle: round1(f.pose.yaw) };
      if (attrs.has('blur')) attributes.Blur = blurFromSharpness(f.sharpness);
      return {
        FaceRect: { Left: Math.round(f.box.x), Top: Math.round(f.box.y), Width: Math.round(f.box.width), Height: Math.round(f.box.height) },
        FaceAttributes: attributes,
      };
    });
    return { ImgWidth: analysis.width, ImgHeight: analysis.height, FaceInfos: { FaceAttributesDetectInfo: faces } };
  },
});
