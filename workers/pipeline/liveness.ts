// Passive anti-spoofing with fr_liveness (MiniFASNet-like): 1×3×128×128 raw 0–255 BGR of the
// face box enlarged 2.7× and shifted back inside the frame (Silent-Face's crop), 3 logits,
// class 0 = live. BGR, not RGB: only BGR scored the reference samples right (DESIGN §4).
// Unvalidated beyond a few samples: one signal among several, never a verdict on its own.
import type { ort } from './ort-runtime';
import { runSingle, softmax } from './ort-runtime';
import { sampleBgrPlanar, type RgbaFrame, type SampleRect } from './pixels';

const INPUT = 128;
const ENLARGE = 2.7;
/** Ultra-Light boxes (the model's training framing) are about 0.7 as wide as they are tall. */
const BOX_ASPECT = 0.7;

/** Silent-Face's `_get_new_box`, starting from the square landmark crop. */
export function livenessCrop(square: SampleRect, frameWidth: number, frameHeight: number): SampleRect {
  const boxW = square.width * BOX_ASPECT;
  const boxH = square.height;
  const cx = square.x + square.width / 2;
  const cy = square.y + square.height / 2;
  const scale = Math.min((frameHeight - 1) / boxH, (frameWidth - 1) / boxW, ENLARGE);
  const w = boxW * scale;
  const h = boxH * scale;
  let x0 = cx - w / 2;
  let y0 = cy - h / 2;
  x0 = Math.min(Math.max(0, x0), frameWidth - 1 - w);
  y0 = Math.min(Math.max(0, y0), frameHeight - 1 - h);
  return { x: x0, y: y0, width: w, height: h };
}

export class LivenessModel {
  constructor(private readonly session: ort.InferenceSession) {}

  /** P(live), 0–1. */
  async run(frame: RgbaFrame, square: SampleRect): Promise<number> {
    const input = sampleBgrPlanar(frame, livenessCrop(square, frame.width, frame.height), INPUT);
    const logits = await runSingle(this.session, input, [1, 3, INPUT, INPUT]);
    return softmax(logits)[0]!;
  }

  dispose(): Promise<void> {
    return this.session.release();
  }
}
