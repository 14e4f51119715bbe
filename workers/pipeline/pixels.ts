// Frame pixels and the resampling that feeds the ONNX models. Crops are sampled straight from
// the RGBA buffer with bilinear interpolation: a 64×64 or 128×128 crop costs far less than a
// canvas round trip per crop, and it behaves like OpenCV's INTER_LINEAR that the models expect.

export interface RgbaFrame {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

/** Axis-aligned rectangle in frame pixels (may extend beyond the frame; samples are clamped). */
export interface SampleRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export class FrameReader {
  private canvas: OffscreenCanvas | null = null;
  private context: OffscreenCanvasRenderingContext2D | null = null;

  read(bitmap: ImageBitmap): RgbaFrame {
    const { width, height } = bitmap;
    if (!this.canvas || this.canvas.width !== width || this.canvas.height !== height) {
      this.canvas = new OffscreenCanvas(width, height);
      // Read back every frame: ask for a CPU-backed canvas up front.
      this.context = this.canvas.getContext('2d', { willReadFrequently: true });
      if (!this.context) throw new Error('OffscreenCanvas 2d context unavailable');
    }
    const ctx = this.context!;
    ctx.drawImage(bitmap, 0, 0);
    return { data: ctx.getImageData(0, 0, width, height).data, width, height };
  }
}

const R = 0.299;
const G = 0.587;
const B = 0.114;

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

/** Bilinear sample of one channel (0 R, 1 G, 2 B, 3 luma) at a sub-pixel position. */
function sample(frame: RgbaFrame, x: number, y: number, channel: number): number {
  const { data, width, height } = frame;
  const fx = clamp(x, 0, width - 1);
  const fy = clamp(y, 0, height - 1);
  const x0 = Math.floor(fx);
  const y0 = Math.floor(fy);
  const x1 = Math.min(x0 + 1, width - 1);
  const y1 = Math.min(y0 + 1, height - 1);
  const ax = fx - x0;
  const ay = fy - y0;
  const i00 = (y0 * width + x0) * 4;
  const i01 = (y0 * width + x1) * 4;
  const i10 = (y1 * width + x0) * 4;
  const i11 = (y1 * width + x1) * 4;
  const value = (i: number) => (channel === 3 ? R * data[i]! + G * data[i + 1]! + B * data[i + 2]! : data[i + channel]!);
  const top = value(i00) * (1 - ax) + value(i01) * ax;
  const bottom = value(i10) * (1 - ax) + value(i11) * ax;
  return top * (1 - ay) + bottom * ay;
}

/** Grey (luma 0–255) crop resampled to outW×outH, row-major. Pixel centres map like cv2.resize. */
export function sampleGrey(frame: RgbaFrame, rect: SampleRect, outW: number, outH = outW): Float32Array {
  const out = new Float32Array(outW * outH);
  const sx = rect.width / outW;
  const sy = rect.height / outH;
  for (let j = 0; j < outH; j++) {
    const y = rect.y + (j + 0.5) * sy - 0.5;
    for (let i = 0; i < outW; i++) out[j * outW + i] = sample(frame, rect.x + (i + 0.5) * sx - 0.5, y, 3);
  }
  return out;
}

/** Planar BGR crop (raw 0–255), 3×outH×outW, as MiniFASNet was trained on OpenCV images. */
export function sampleBgrPlanar(frame: RgbaFrame, rect: SampleRect, outW: number, outH = outW): Float32Array {
  const plane = outW * outH;
  const out = new Float32Array(3 * plane);
  const sx = rect.width / outW;
  const sy = rect.height / outH;
  for (let j = 0; j < outH; j++) {
    const y = rect.y + (j + 0.5) * sy - 0.5;
    for (let i = 0; i < outW; i++) {
      const x = rect.x + (i + 0.5) * sx - 0.5;
      const k = j * outW + i;
      out[k] = sample(frame, x, y, 2);
      out[plane + k] = sample(frame, x, y, 1);
      out[2 * plane + k] = sample(frame, x, y, 0);
    }
  }
  return out;
}

/** Mean luma over a rectangle, sampling every `step`-th pixel (brightness needs no more). */
export function meanLuma(frame: RgbaFrame, rect?: SampleRect, step = 4): number {
  const { data, width, height } = frame;
  const x0 = Math.max(0, Math.floor(rect?.x ?? 0));
  const y0 = Math.max(0, Math.floor(rect?.y ?? 0));
  const x1 = Math.min(width, Math.ceil(rect ? rect.x + rect.width : width));
  const y1 = Math.min(height, Math.ceil(rect ? rect.y + rect.height : height));
  let sum = 0;
  let n = 0;
  for (let y = y0; y < y1; y += step) {
    for (let x = x0; x < x1; x += step) {
      const i = (y * width + x) * 4;
      sum += R * data[i]! + G * data[i + 1]! + B * data[i + 2]!;
      n++;
    }
  }
  return n ? sum / n : 0;
}
