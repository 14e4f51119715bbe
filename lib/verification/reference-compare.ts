import sharp from 'sharp';
import { getBiometricEngine, isBiometricError, type BiometricErrorCode, type ImageAnalysis } from '../biometrics';
import { passThresholdForSecurityLevel, similarityScore } from '../biometrics/scores';
import { roundScore } from './face-match';

export type SecurityLevel = 1 | 2 | 3 | 4;

/** An engine failure on one named image: each protocol maps `code` to its own error vocabulary. */
export class ImageFieldError extends Error {
  constructor(
    readonly field: string,
    readonly code: BiometricErrorCode,
  ) {
    super(`${field}: ${code}`);
    this.name = 'ImageFieldError';
  }
}

/** The engine, or an ImageFieldError: a failed start (models unreadable, no worker) is engine trouble each protocol answers in its own words, not an unexpected crash. */
async function engineFor(field: string) {
  try {
    return await getBiometricEngine();
  } catch (e) {
    throw new ImageFieldError(field, isBiometricError(e) ? e.code : 'ENGINE_FAILED');
  }
}

async function analyze(data: Buffer, field: string, embed: boolean, maxFaces: number): Promise<ImageAnalysis> {
  const engine = await engineFor(field);
  try {
    return await engine.analyze(data, { embed, maxFaces });
  } catch (e) {
    if (isBiometricError(e)) throw new ImageFieldError(field, e.code);
    throw e;
  }
}

/** Clockwise rotations tried, in order, when a reference photo shows no upright face. */
const ROTATIONS = [90, 180, 270] as const;

/**
 * Checks that a partner's reference photo shows a face, before any user is sent to the camera.
 * With `rotate`, a photo without an upright face is retried turned 90°, 180° and 270° (scanned ID
 * photos and phone pictures without an EXIF tag often lie on their side); the orientation
 * with the most confident face is what gets stored, so the decision later compares an upright face. Returns null
 * when no orientation has a face.
 */
export async function uprightReference(image: Buffer, field: string, opts: { rotate: boolean }): Promise<{ data: Buffer; rotated: number } | null> {
  const first = await analyze(image, field, false, 1);
  if (first.faces.length) return { data: image, rotated: 0 };
  if (!opts.rotate) return null;
  // Every turn is tried and the most confident detection wins: an upside-down face can still be
  // detected, weakly, and must not be kept when the upright turn is among the candidates.
  let best: { data: Buffer; rotated: number; score: number } | null = null;
  for (const deg of ROTATIONS) {
    const turned = await sharp(image).autoOrient().rotate(deg).jpeg({ quality: 92 }).toBuffer();
    const a = await analyze(turned, field, false, 1);
    const score = a.faces[0]?.score ?? -1;
    if (score >= 0 && (!best || score > best.score)) best = { data: turned, rotated: deg, score };
  }
  return best && { data: best.data, rotated: best.rotated };
}

export type ReferenceComparison =
  | { outcome: 'compared'; similarityScore: number; threshold: number; passed: boolean }
  | { outcome: 'no_face'; which: 'probe' | 'reference' }
  | { outcome: 'multiple_faces' };

/**
 * "Is the face in `probe` the person of `reference` at security level L?" — the 1:1 question the
 * server-only protocols ask (face_verify match; FaceID's second reference). Same engine, same
 * calibrated score and pass thresholds as the H5 decision and RPMin.
 */
export async function compareWithReference(probe: { data: Buffer; field: string }, reference: { data: Buffer; field: string }, level: SecurityLevel): Promise<ReferenceComparison> {
  const [p, r] = await Promise.all([analyze(probe.data, probe.field, true, 2), analyze(reference.data, reference.field, true, 1)]);
  if (!p.faces[0]?.embedding) return { outcome: 'no_face', which: 'probe' };
  if (p.faces.length > 1) return { outcome: 'multiple_faces' };
  if (!r.faces[0]?.embedding) return { outcome: 'no_face', which: 'reference' };
  const engine = await engineFor(probe.field);
  const score = roundScore(similarityScore(engine.cosine(p.faces[0].embedding, r.faces[0].embedding)));
  const threshold = passThresholdForSecurityLevel(level);
  return { outcome: 'compared', similarityScore: score, threshold, passed: score >= threshold };
}
