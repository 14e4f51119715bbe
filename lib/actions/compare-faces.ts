import { z } from 'zod';
import { RpcError } from '../rpc/errors';
import { defineAction } from './action';
import { COMPARE_FACES_WIRE } from './cloudauth-2018';
import { loadImage } from '../verification/image-input';
import { compareFaceImages, confidenceThresholds } from '../verification/face-match';

const IMAGE_TYPES = ['FacePic', 'IDPic'] as const;

function imageType(value: string | undefined, field: string): (typeof IMAGE_TYPES)[number] {
  if (!value) throw new RpcError('InvalidParam.ImageTypeEmpty', `${field} is empty; use FacePic or IDPic`);
  if (!(IMAGE_TYPES as readonly string[]).includes(value)) throw new RpcError('InvalidParam.ImageTypeInvalid', `${field} must be FacePic or IDPic`);
  return value as (typeof IMAGE_TYPES)[number];
}

function imageValue(value: string | undefined, field: string): string {
  if (!value) throw new RpcError('InvalidParam.ParamMissing', `The input parameter "${field}" that is mandatory for processing this request is not supplied.`);
  return value;
}

export const compareFaces = defineAction({
  name: 'CompareFaces',
  wire: COMPARE_FACES_WIRE,
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
    const [source, target] = await Promise.all([
      loadImage(imageValue(p.SourceImageValue, 'SourceImageValue'), 'SourceImageValue', ctx.config),
      loadImage(imageValue(p.TargetImageValue, 'TargetImageValue'), 'TargetImageValue', ctx.config),
    ]);
    const result = await compareFaceImages({ data: source.data, field: 'SourceImageValue' }, { data: target.data, field: 'TargetImageValue' }, 'batch');
    return { SimilarityScore: result.similarityScore, ConfidenceThresholds: confidenceThresholds() };
  },
});
