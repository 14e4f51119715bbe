import { describe, expect, it } from 'vitest';
import {
  ARCFACE_TEMPLATE_112,
  applyAffine,
  eyeAspectRatio,
  fivePointsFrom68,
  GENERIC_FACE_3D,
  headPoseFromLandmarks,
  invertAffine,
  mouthAspectRatio,
  similarityTransform,
  type Point,
} from '../lib/face-geometry';

type Vec3 = readonly [number, number, number];
type Mat3 = readonly [Vec3, Vec3, Vec3];
const mul = (A: Mat3, B: Mat3): Mat3 =>
  [0, 1, 2].map((i) => [0, 1, 2].map((j) => A[i]![0] * B[0]![j]! + A[i]![1] * B[1]![j]! + A[i]![2] * B[2]![j]!)) as unknown as Mat3;
const rad = (d: number) => (d * Math.PI) / 180;
// Camera axes: x image-right, y down, z away from the camera.
const Ry = (d: number): Mat3 => [[Math.cos(rad(d)), 0, Math.sin(rad(d))], [0, 1, 0], [-Math.sin(rad(d)), 0, Math.cos(rad(d))]];
const Rx = (d: number): Mat3 => [[1, 0, 0], [0, Math.cos(rad(d)), -Math.sin(rad(d))], [0, Math.sin(rad(d)), Math.cos(rad(d))]];
const Rz = (d: number): Mat3 => [[Math.cos(rad(d)), -Math.sin(rad(d)), 0], [Math.sin(rad(d)), Math.cos(rad(d)), 0], [0, 0, 1]];

/** 68 landmarks of the generic face rotated by R and projected orthographically at 3 px/mm. */
function project(R: Mat3): Point[] {
  const lm: Point[] = Array.from({ length: 68 }, () => [320, 240] as const);
  for (const [i, X] of GENERIC_FACE_3D) {
    const x = R[0][0] * X[0] + R[0][1] * X[1] + R[0][2] * X[2];
    const y = R[1][0] * X[0] + R[1][1] * X[1] + R[1][2] * X[2];
    lm[i] = [320 + 3 * x, 240 + 3 * y];
  }
  return lm;
}

/** A 68-point array with only the listed indices set (others at the origin). */
function withPoints(points: Record<number, Point>): Point[] {
  return Array.from({ length: 68 }, (_, i) => points[i] ?? ([0, 0] as const));
}

describe('eye and mouth aspect ratios', () => {
  const eye = (o: number, open: number) => ({
    [o]: [0, 0], [o + 1]: [10, -open], [o + 2]: [20, -open], [o + 3]: [30, 0], [o + 4]: [20, open], [o + 5]: [10, open],
  }) as Record<number, Point>;

  it('is the mean lid gap over eye width, per image side', () => {
    const lm = withPoints({ ...eye(36, 5), ...eye(42, 1.5) });
    expect(eyeAspectRatio(lm, 'left')).toBeCloseTo(10 / 30, 6);
    expect(eyeAspectRatio(lm, 'right')).toBeCloseTo(3 / 30, 6);
  });

  it('measures the inner-lip opening', () => {
    const lm = withPoints({ 60: [0, 0], 64: [40, 0], 61: [10, -2], 67: [10, 8], 62: [20, -2], 66: [20, 8], 63: [30, -2], 65: [30, 8] });
    expect(mouthAspectRatio(lm)).toBeCloseTo(10 / 40, 6);
  });

  it('rejects arrays that are not 68 points', () => {
    expect(() => eyeAspectRatio([[0, 0]], 'left')).toThrow(/68/);
  });
});

describe('five alignment points', () => {
  it('averages lids for eyes, takes the nose tip, averages outer/inner lip corners', () => {
    const lm = withPoints({
      37: [10, 10], 38: [20, 10], 40: [20, 20], 41: [10, 20],
      43: [50, 10], 44: [60, 10], 46: [60, 20], 47: [50, 20],
      30: [35, 40], 48: [15, 60], 60: [17, 60], 54: [55, 60], 64: [53, 62],
    });
    expect(fivePointsFrom68(lm)).toEqual([[15, 15], [55, 15], [35, 40], [16, 60], [54, 61]]);
  });
});

describe('similarityTransform', () => {
  it('recovers a known rotation + scale + translation exactly', () => {
    const [s, th, tx, ty] = [0.7, rad(20), 13, -4];
    const a = s * Math.cos(th), b = s * Math.sin(th);
    const dst = ARCFACE_TEMPLATE_112.map(([x, y]) => [a * x - b * y + tx, b * x + a * y + ty] as const);
    const m = similarityTransform(ARCFACE_TEMPLATE_112, dst);
    [a, -b, tx, b, a, ty].forEach((v, i) => expect(m[i]).toBeCloseTo(v, 9));
    const back = invertAffine(m);
    const p = applyAffine(back, applyAffine(m, [3, 7]));
    expect(p[0]).toBeCloseTo(3, 9);
    expect(p[1]).toBeCloseTo(7, 9);
  });

  it('never reflects, even when the best fit would be a mirror image', () => {
    const mirrored = ARCFACE_TEMPLATE_112.map(([x, y]) => [112 - x, y] as const);
    const m = similarityTransform(mirrored, ARCFACE_TEMPLATE_112);
    expect(m[0] * m[4] - m[1] * m[3]).toBeGreaterThanOrEqual(0);
    expect(m[1]).toBeCloseTo(-m[3], 12);
    expect(m[0]).toBeCloseTo(m[4], 12);
  });
});

describe('headPoseFromLandmarks', () => {
  it('is ~0 for a frontal face', () => {
    const p = headPoseFromLandmarks(project(Ry(0)));
    expect(Math.abs(p.yaw) + Math.abs(p.pitch) + Math.abs(p.roll)).toBeLessThan(1e-6);
  });

  it('yaw > 0 when the nose points to image-right', () => {
    const lm = project(Ry(-25)); // rotation that swings the nose towards +x
    const eyesMidX = (lm[36]![0] + lm[45]![0]) / 2;
    expect(lm[30]![0]).toBeGreaterThan(eyesMidX); // independent check of the synthetic geometry
    const p = headPoseFromLandmarks(lm);
    expect(p.yaw).toBeCloseTo(25, 3);
    expect(Math.abs(p.pitch)).toBeLessThan(1e-3);
  });

  it('pitch > 0 when the face looks up', () => {
    const lm = project(Rx(-20)); // nose tip moves up the image
    const frontal = project(Rx(0));
    expect(lm[30]![1] - lm[27]![1]).toBeLessThan(frontal[30]![1] - frontal[27]![1]);
    expect(headPoseFromLandmarks(lm).pitch).toBeCloseTo(20, 3);
  });

  it('roll > 0 when the face is rotated clockwise in the image', () => {
    const lm = project(Rz(15)); // y is down, so +angle about z is clockwise on screen
    expect(lm[45]![1]).toBeGreaterThan(lm[36]![1]); // image-right eye lower
    expect(headPoseFromLandmarks(lm).roll).toBeCloseTo(15, 3);
  });

  it('separates a combined turn, nod and tilt', () => {
    const p = headPoseFromLandmarks(project(mul(Rz(10), mul(Rx(-12), Ry(-20)))));
    expect(p.yaw).toBeCloseTo(20, 3);
    expect(p.pitch).toBeCloseTo(12, 3);
    expect(p.roll).toBeCloseTo(10, 3);
  });
});
