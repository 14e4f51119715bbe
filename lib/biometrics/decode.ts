import sharp from 'sharp';
import { BiometricError } from './errors';
import type { RgbImage } from './image';

export const MAX_IMAGE_BYTES = 2 * 1024 * 1024;
export const MAX_IMAGE_SIDE = 4096;

/**
 * Decodes an uploaded photo to upright 8-bit RGB. Size limits are checked before decoding
 * (bytes first, then the header's dimensions) so a decompression bomb never gets decoded.
 */
export async function decodeImage(input: Buffer | Uint8Array): Promise<RgbImage> {
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
    return { data: toRgb(data, info.channels), width: info.width, height: info.height };
  } catch (err) {
    throw new BiometricError('NOT_AN_IMAGE', `cannot decode image: ${(err as Error).message}`);
  }
}

function toRgb(data: Buffer, channels: number): Uint8Array {
  const px = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (channels === 3) return px;
  const n = px.length / channels;
  const out = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    // 1 or 2 channels (grey[, alpha]): replicate grey; 4 channels: drop alpha.
    const base = i * channels;
    out[i * 3] = px[base]!;
    out[i * 3 + 1] = px[channels >= 3 ? base + 1 : base]!;
    out[i * 3 + 2] = px[channels >= 3 ? base + 2 : base]!;
  }
  return out;
}
