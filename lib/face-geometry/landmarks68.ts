// Index groups of the iBUG 68-point layout (0-based), named so callers don't scatter magic numbers.
// "left"/"right" always mean IMAGE-left / IMAGE-right, never the subject's own left/right.
export const LM68 = {
  jaw: [0, 16],
  chin: 8,
  noseBridgeTop: 27,
  noseTip: 30,
  leftEye: [36, 37, 38, 39, 40, 41],
  rightEye: [42, 43, 44, 45, 46, 47],
  mouthLeftCorner: [48, 60],
  mouthRightCorner: [54, 64],
  innerLips: [60, 61, 62, 63, 64, 65, 66, 67],
} as const;

export function assert68(lm68: readonly unknown[]): void {
  if (lm68.length !== 68) throw new RangeError(`expected 68 landmarks, got ${lm68.length}`);
}
