// Minimal raw-pixel helpers. Images are packed 8-bit RGB, row-major, no padding.
import type { Affine2x3 } from '../face-geometry';
import { invertAffine } from '../face-geometry';

export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}

export interface WarpOptions {
  /** Cap on k for k×k supersampling; 1 = plain bilinear like cv2.resize/warpAffine. */
  maxSupersample?: number;
}

/**
 * Warps `img` with the forward affine `m` (source → destination pixel coordinates) into an
 * outW×outH RGB image, bilinear; outside the image the border pixels repeat. When the warp shrinks by
 * more than 1.5× each output pixel averages a k×k grid of bilinear samples (k ≤ 4): plain
 * bilinear would alias a 600 px face down to 112 px, and the models were trained on smoothly
 * resized crops. This is the hottest loop of the pipeline, hence the inlined arithmetic.
 */
export function warpAffine(
  img: RgbImage,
  m: Affine2x3,
  outW: number,
  outH: number,
  { maxSupersample = 4 }: WarpOptions = {},
): RgbImage {
  const inv = invertAffine(m);
  const [a, b, c, d, e, f] = inv;
  const shrink = Math.sqrt(Math.abs(a * e - b * d));
  const k = shrink > 1.5 ? Math.max(1, Math.min(maxSupersample, Math.ceil(shrink))) : 1;
  const w = img.width, h = img.height, src = img.data;
  const out = new Uint8Array(outW * outH * 3);
  const norm = 1 / (k * k);
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      let r = 0, g = 0, bl = 0;
      for (let sy = 0; sy < k; sy++) {
        const dy = y + (sy + 0.5) / k - 0.5;
        for (let sx = 0; sx < k; sx++) {
          const dx = x + (sx + 0.5) / k - 0.5;
          const px = a * dx + b * dy + c;
          const py = d * dx + e * dy + f;
          // Clamping replicates the border pixels outward (like sharp's extend 'copy'), so
          // a face box hanging over the edge sees smeared edge pixels rather than a black bar.
          const xc = px < 0 ? 0 : px > w - 1 ? w - 1 : px;
          const yc = py < 0 ? 0 : py > h - 1 ? h - 1 : py;
          const x0 = xc | 0, y0 = yc | 0;
          const x1 = x0 + 1 < w ? x0 + 1 : x0, y1 = y0 + 1 < h ? y0 + 1 : y0;
          const fx = xc - x0, fy = yc - y0;
          const w00 = (1 - fx) * (1 - fy), w01 = fx * (1 - fy), w10 = (1 - fx) * fy, w11 = fx * fy;
          const i00 = (y0 * w + x0) * 3, i01 = (y0 * w + x1) * 3, i10 = (y1 * w + x0) * 3, i11 = (y1 * w + x1) * 3;
          r += src[i00]! * w00 + src[i01]! * w01 + src[i10]! * w10 + src[i11]! * w11;
          g += src[i00 + 1]! * w00 + src[i01 + 1]! * w01 + src[i10 + 1]! * w10 + src[i11 + 1]! * w11;
          bl += src[i00 + 2]! * w00 + src[i01 + 2]! * w01 + src[i10 + 2]! * w10 + src[i11 + 2]! * w11;
        }
      }
      const o = (y * outW + x) * 3;
      out[o] = r * norm + 0.5;
      out[o + 1] = g * norm + 0.5;
      out[o + 2] = bl * norm + 0.5;
    }
  }
  return { data: out, width: outW, height: outH };
}

/** Axis-aligned crop of the rectangle (x, y, w, h) resized to outW×outH (stretching if needed). */
export function cropResize(
  img: RgbImage,
  rect: { x: number; y: number; width: number; height: number },
  outW: number,
  outH: number,
  opts: WarpOptions = {},
): RgbImage {
  const sx = outW / rect.width;
  const sy = outH / rect.height;
  // Pixel-centre convention: source pixel centre (x+0.5) maps to destination centre.
  const m: Affine2x3 = [sx, 0, (0.5 - rect.x) * sx - 0.5, 0, sy, (0.5 - rect.y) * sy - 0.5];
  return warpAffine(img, m, outW, outH, opts);
}

/** ITU-R BT.601 luma (what OpenCV's RGB2GRAY computes), one byte per pixel. */
export function toGray(img: RgbImage): Uint8Array {
  const n = img.width * img.height;
  const out = new Uint8Array(n);
  const d = img.data;
  for (let i = 0; i < n; i++) out[i] = Math.round(0.299 * d[i * 3]! + 0.587 * d[i * 3 + 1]! + 0.114 * d[i * 3 + 2]!);
  return out;
}

/** NCHW float tensor data from RGB bytes: (v − mean) / std per channel, optionally in BGR order. */
export function toNchw(img: RgbImage, mean: number, std: number, bgr = false): Float32Array {
  const n = img.width * img.height;
  const out = new Float32Array(n * 3);
  const d = img.data;
  const inv = 1 / std;
  for (let c = 0; c < 3; c++) {
    const src = bgr ? 2 - c : c;
    const plane = c * n;
    for (let i = 0; i < n; i++) out[plane + i] = (d[i * 3 + src]! - mean) * inv;
  }
  return out;
}
