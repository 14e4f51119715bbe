import { z } from 'zod';
import { RpcError } from '../rpc/errors';
import { defineAction } from './action';
import { loadImage } from '../verification/image-input';
import { analyzeImage } from '../verification/face-match';

/**
 * Attributes we really measure. Gender, age, smiling, glasses, ethnicity and expression are left
 * out on purpose: their models are not validated on real images yet, and an invented value is
 * worse than a missing one (README, "DetectFaceAttributes").
 */
const SUPPORTED = ['facetype', 'headpose', 'blur'] as const;
type Attribute = (typeof SUPPORTED)[number];

/** 0 (sharp) … 100 (very blurred); 50 at a Laplacian variance of 50 on the 112 px face crop. */
export function blurFromSharpness(sharpness: number): number {
  return Math.round((100 * 50) / (50 + Math.max(0, sharpness)) * 100) / 100;
}

const round1 = (v: number) => Math.round(v * 10) / 10;

export const detectFaceAttributes = defineAction({
  name: 'DetectFaceAttributes',
  params: z.object({
    MaterialValue: z.string().min(1),
    RetAttributes: z.string().max(500).optional(),
    MaxFaceNum: z.coerce.number().int().min(1).max(10).default(1),
  }),
  async run(ctx, p) {
    const requested = (p.RetAttributes ?? SUPPORTED.join(','))
      .split(',')
      .map((a) => a.trim().toLowerCase())
      .filter(Boolean);
    const attrs = new Set(requested.filter((a): a is Attribute => (SUPPORTED as readonly string[]).includes(a)));
    if (requested.length && !attrs.size) {
      throw new RpcError('InvalidParameter', `None of RetAttributes is supported; supported: ${SUPPORTED.join(', ')}`);
    }
    const image = await loadImage(p.MaterialValue, 'MaterialValue', ctx.config);
    const analysis = await analyzeImage(image.data, 'MaterialValue', { embed: false, liveness: false, maxFaces: p.MaxFaceNum, lane: 'batch' });
    const faces = analysis.faces.slice(0, p.MaxFaceNum).map((f) => {
      const attributes: Record<string, unknown> = {};
      if (attrs.has('facetype')) attributes.Facetype = 'Face';
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
