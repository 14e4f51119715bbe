import { z } from 'zod';
import { RpcError } from '../rpc/errors';
import { defineAction } from './action';
import { loadImage } from '../verification/image-input';
import { compareFaceImages, confidenceThresholds } from '../verification/face-match';

const IMAGE_TYPES = ['FacePic', 'IDPic'] as const;

function imageType(value: string | undefined, field: string): (typeof IMAGE_TYPES)[number] {
  if (!value) throw new RpcError('InvalidParam.ImageTypeEmpty', `${field} is empty; use FacePic or IDPic`);
  if (!(IMAGE_TYPES as readonly string[]).includes(value)) throw new RpcError('InvalidParam.ImageTypeInvalid', `${field} must be FacePic or IDPic`);
  return value as (typeof IMAGE_TYPES)[number];
}

export const compareFaces = defineAction({
  name: 'CompareFaces',
  params: z.object({
    SourceImageType: z.string().optional(),
    SourceImageValue: z.string().optional(),
    TargetImageType: z.string().optional(),
    TargetImageValue: z.string().optional(),
  }),
  async run(ctx, p) {
    const sourceType = imageType(p.SourceImageType, 'SourceImageType');
    const targetType = imageType(p.TargetImageType, 'TargetImageType');
    if (sourceType !== 'FacePic' && targetType !== 'FacePic') throw new RpcError('InvalidParam.FacePicNotGiven', 'At least one of the two images must be a FacePic');
    if (!p.SourceImageValue) throw new RpcError('InvalidParam.ImageValuePatternError', 'SourceImageValue is empty');
    if (!p.TargetImageValue) throw new RpcError('InvalidParam.ImageValuePatternError', 'TargetImageValue is empty');
    const [source, target] = await Promise.all([loadImage(p.SourceImageValue, 'SourceImageValue', ctx.config), loadImage(p.TargetImageValue, 'TargetImageValue', ctx.config)]);
    const result = await compareFaceImages({ data: source.data, field: 'SourceImageValue' }, { data: target.data, field: 'TargetImageValue' }, 'batch');
    return { SimilarityScore: result.similarityScore, ConfidenceThresholds: confidenceThresholds() };
  },
});
