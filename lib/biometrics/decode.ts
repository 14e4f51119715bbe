import sharp from 'sharp';
import { BiometricError } from './errors';
import type { RgbImage } from './image';

export const MAX_IMAGE_BYTES = 2 * 1024 * 1024;
export const MAX_IMAGE_SIDE = 4096;

/** Decoded upright 8-bit pixels as sharp produced them: 1–4 interleaved channels. */
export interface RawImage {
  data: Uint8Array;
  width: number;
  height: number;
  channels: number;
}

/**
 * Decodes an uploaded photo to upright 8-bit RGB. Size limits are checked before decoding
 * (bytes first, then the header's dimensions) so a decompression bomb never gets decoded.
 */
export async function decodeImage(input: Buffer | Uint8Array): Promise<RgbImage> {
  return toRgb(await decodeImageRaw(input));
}

/**
 * decodeImage() without the channel conversion, which is a JS loop (up to 16 M pixels): the
 * engine decodes on the main thread (sharp works on the libuv pool) and lets a worker convert.
 */
export async function decodeImageRaw(input: Buffer | Uint8Array): Promise<RawImage> {
  if (input.byteLength > MAX_IMAGE_BYTES) {
    throw new BiometricError('IMAGE_TOO_LARGE', `image is ${input.byteLength} bytes, limit ${MAX_IMAGE_BYTES}`);
  }
  let meta: Awaited<ReturnType<ReturnType<typeof sharp>['metadata']>>;
  try {
    meta = await sharp(input, { failOn: 'error' }).metadata();
  } catch (err) {
    throw new BiometricError('NOT_AN_IMAGE', `cannot read image: ${(err as Error).message}`);
  }
  const { width, height } = meta;
  if (!width || !height) throw new BiometricError('NOT_AN_IMAGE', 'image has no dimensions');
  if (width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE) {
    throw new BiometricError(
      'IMAGE_DIMENSIONS_TOO_LARGE',
      `image is ${width}×${height}, limit ${MAX_IMAGE_SIDE} px per side`,
    );
  }
  try {
    const { data, info } = await sharp(input, { failOn: 'error' })
      .rotate() // apply EXIF orientation: phones store portrait photos sideways plus a tag
      .flatten({ background: '#ffffff' }) // transparent PNGs: composite instead of dropping alpha
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height, channels: info.channels };
  } catch (err) {
    throw new BiometricError('NOT_AN_IMAGE', `cannot decode image: ${(err as Error).message}`);
  }
}

/** Packed RGB from 1–4 channels (grey[, alpha] replicated, alpha dropped); 3 channels pass through. */
export function toRgb({ data: px, width, height, channels }: RawImage): RgbImage {
  if (channels === 3) return { data: px, width, height };
  const n = px.length / channels;
  const out = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    // 1 or 2 channels (grey[, alpha]): replicate grey; 4 channels: drop alpha.
    const base = i * channels;
    out[i * 3] = px[base]!;
    out[i * 3 + 1] = px[channels >= 3 ? base + 1 : base]!;
    out[i * 3 + 2] = px[channels >= 3 ? base + 2 : base]!;
  }
  return { data: out, width, height };
}
