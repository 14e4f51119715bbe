import type { Point } from './types';
import { assert68 } from './landmarks68';

/** Head orientation in degrees. yaw > 0: nose points to IMAGE-right (unmirrored camera image);
 *  pitch > 0: face looks up; roll > 0: face rotated clockwise in the image. */
export interface HeadPose {
  yaw: number;
  pitch: number;
  roll: number;
}

/**
 * A generic adult face for the rigid 68-point landmarks, in mm, camera-style axes
 * (x image-right, y down, z away from the camera), origin at the nose tip.
 * Hand-made from typical anthropometric proportions (inter-canthal ≈ 30 mm, outer canthi
 * ≈ 90 mm, eye line ≈ 38 mm above the nose tip, eyes ≈ 30 mm behind it). Only points that are
 * rigid and stay put when the head turns are used: no brows or lids (expression), no jaw
 * contour (it follows the silhouette, not fixed flesh).
 */
export const GENERIC_FACE_3D: ReadonlyArray<readonly [number, readonly [number, number, number]]> = [
  [27, [0, -40, 20]],
  [28, [0, -28, 14]],
  [29, [0, -14, 7]],
  [30, [0, 0, 0]],
  [31, [-13, 6, 15]],
  [33, [0, 8, 10]],
  [35, [13, 6, 15]],
  [36, [-45, -38, 32]],
  [39, [-15, -37, 27]],
  [42, [15, -37, 27]],
  [45, [45, -38, 32]],
  [48, [-25, 32, 28]],
  [51, [0, 22, 14]],
  [54, [25, 32, 28]],
  [57, [0, 42, 18]],
  [8, [0, 72, 25]],
];

/** Solves the 4×4 system M·x = v by Gaussian elimination with partial pivoting. */
function solve4(M: number[][], v: number[]): number[] {
  const a = M.map((row, i) => [...row, v[i]!]);
  for (let c = 0; c < 4; c++) {
    let p = c;
    for (let r = c + 1; r < 4; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[p]![c]!)) p = r;
    [a[c], a[p]] = [a[p]!, a[c]!];
    const piv = a[c]![c]!;
    if (Math.abs(piv) < 1e-12) throw new RangeError('headPose: degenerate landmarks');
    for (let r = 0; r < 4; r++) {
      if (r === c) continue;
      const f = a[r]![c]! / piv;
      for (let k = c; k < 5; k++) a[r]![k]! -= f * a[c]![k]!;
    }
  }
  return a.map((row, i) => row[4]! / row[i]!);
}

type Vec3 = [number, number, number];
const norm = (v: Vec3) => Math.hypot(v[0], v[1], v[2]);
const scale = (v: Vec3, s: number): Vec3 => [v[0] * s, v[1] * s, v[2] * s];
const add = (a: Vec3, b: Vec3): Vec3 => [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const unit = (v: Vec3): Vec3 => scale(v, 1 / (norm(v) || 1));
const cross = (a: Vec3, b: Vec3): Vec3 => [
  a[1] * b[2] - a[2] * b[1],
  a[2] * b[0] - a[0] * b[2],
  a[0] * b[1] - a[1] * b[0],
];

const DEG = 180 / Math.PI;

/**
 * Head pose from 68 landmarks by fitting a scaled-orthographic (weak-perspective) camera to the
 * generic 3-D face above: image = s·R[0:2]·X + t, solved linearly as a 2×4 affine, then the two
 * rotation rows are made orthonormal. A face fills a small part of a selfie camera's field,
 * so perspective effects are small next to landmark noise, and no intrinsics are needed.
 */
export function headPoseFromLandmarks(lm68: readonly Point[]): HeadPose {
  assert68(lm68);
  const AtA = [0, 1, 2, 3].map(() => [0, 0, 0, 0]);
  const Atu = [0, 0, 0, 0];
  const Atv = [0, 0, 0, 0];
  for (const [idx, X] of GENERIC_FACE_3D) {
    const row = [X[0], X[1], X[2], 1];
    const p = lm68[idx]!;
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 4; j++) AtA[i]![j]! += row[i]! * row[j]!;
      Atu[i]! += row[i]! * p[0];
      Atv[i]! += row[i]! * p[1];
    }
  }
  const pu = solve4(AtA, Atu);
  const pv = solve4(AtA, Atv);
  // Nearest orthonormal pair to the fitted rows: symmetric correction around their bisector.
  const a = unit([pu[0]!, pu[1]!, pu[2]!]);
  const b = unit([pv[0]!, pv[1]!, pv[2]!]);
  const c = unit(add(a, b));
  const d = unit(sub(a, b));
  const r1 = scale(add(c, d), Math.SQRT1_2);
  const r2 = scale(sub(c, d), Math.SQRT1_2);
  const r3 = cross(r1, r2);
  // Decompose R = Rz(roll) · Rx(−pitch) · Ry(−yaw) (camera axes, applied right to left): yaw
  // and pitch are the head's own turn and nod, roll is the in-image rotation on top, so a tilted
  // head that looks straight ahead reads as pure roll.
  const pitch = -Math.asin(Math.max(-1, Math.min(1, r3[1])));
  const yaw = Math.atan2(r3[0], r3[2]);
  const roll = Math.atan2(-r1[1], r2[1]);
  return { yaw: yaw * DEG, pitch: pitch * DEG, roll: roll * DEG };
}
