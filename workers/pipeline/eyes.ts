// Eye openness with fr_eye: 1×1×24×24 grey /255 of a square 1.6 × eye width around the eye's
// six landmarks; the outputs are logits [closed, open]. A weak signal on its own (glasses make
// closures subtle): callers combine it with the eye aspect ratio.
import type { ort } from './ort-runtime';
import { runSingle, softmax } from './ort-runtime';
import { sampleGrey, type RgbaFrame } from './pixels';
import type { EyeOpenProbability, Point } from './types';

const INPUT = 24;
const SIDE_PER_EYE_WIDTH = 1.6;

function eyeSquare(lm68: readonly Point[], first: number) {
  const pts = lm68.slice(first, first + 6);
  const cx = pts.reduce((s, p) => s + p[0], 0) / 6;
  const cy = pts.reduce((s, p) => s + p[1], 0) / 6;
  const [a, b] = [lm68[first]!, lm68[first + 3]!];
  const side = Math.max(1, SIDE_PER_EYE_WIDTH * Math.hypot(b[0] - a[0], b[1] - a[1]));
  return { x: cx - side / 2, y: cy - side / 2, width: side, height: side };
}

export class EyeStateModel {
  constructor(private readonly session: ort.InferenceSession) {}

  async run(frame: RgbaFrame, lm68: readonly Point[]): Promise<EyeOpenProbability> {
    // Batch size is fixed at 1 in the model: two runs.
    const left = await this.openProbability(frame, lm68, 36);
    const right = await this.openProbability(frame, lm68, 42);
    return { left, right };
  }

  private async openProbability(frame: RgbaFrame, lm68: readonly Point[], first: number): Promise<number> {
    const grey = sampleGrey(frame, eyeSquare(lm68, first), INPUT);
    for (let i = 0; i < grey.length; i++) grey[i] = grey[i]! / 255;
    const logits = await runSingle(this.session, grey, [1, 1, INPUT, INPUT]);
    return softmax(logits)[1]!;
  }

  dispose(): Promise<void> {
    return this.session.release();
  }
}
