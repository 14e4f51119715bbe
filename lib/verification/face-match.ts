import { getBiometricEngine, isBiometricError, type AnalyzeOptions, type ImageAnalysis } from '../biometrics';
import { confidenceThresholds, passThresholdForSecurityLevel, similarityScore } from '../biometrics/scores';
import { RpcError } from '../rpc/errors';

/** Engine failures as the API's documented error codes (the field name tells the partner which image). */
export function imageErrorToRpc(e: unknown, field: string): unknown {
  if (!isBiometricError(e)) return e;
  switch (e.code) {
    case 'IMAGE_TOO_LARGE':
      return new RpcError('InvalidParam.ImageTooLarge', `${field} is larger than 2 MB`);
    case 'IMAGE_DIMENSIONS_TOO_LARGE':
      return new RpcError('InvalidParam.ImageDimensionsTooLarge', `${field} is larger than 4096 pixels on a side`);
    case 'NOT_AN_IMAGE':
      return new RpcError('InvalidParam.ImageFormatUnsupported', `${field} could not be decoded as an image`);
    case 'BUSY':
      return new RpcError('ServiceUnavailable', 'The face engine is busy; retry in a moment');
    default:
      return new RpcError('ServiceUnavailable', 'The face engine is not available; check the server log', true);
  }
}

export async function analyzeImage(image: Buffer, field: string, opts: AnalyzeOptions = { embed: true }): Promise<ImageAnalysis> {
  const engine = await getBiometricEngine();
  try {
    return await engine.analyze(image, opts);
  } catch (e) {
    throw imageErrorToRpc(e, field);
  }
}

export interface FaceComparison {
  cosine: number;
  /** 0–100, calibrated so ConfidenceThresholds hold (see lib/biometrics/calibration.json). */
  similarityScore: number;
}

/** 1:1 comparison of the main faces of two images; Error.NoFaceDetected names the image without one. */
export async function compareFaceImages(a: { data: Buffer; field: string }, b: { data: Buffer; field: string }, lane: AnalyzeOptions['lane'] = 'interactive'): Promise<FaceComparison> {
  const [ra, rb] = await Promise.all([analyzeImage(a.data, a.field, { embed: true, lane }), analyzeImage(b.data, b.field, { embed: true, lane })]);
  const ea = ra.faces[0]?.embedding;
  const eb = rb.faces[0]?.embedding;
  if (!ea) throw new RpcError('Error.NoFaceDetected', `No face was detected in ${a.field}`);
  if (!eb) throw new RpcError('Error.NoFaceDetected', `No face was detected in ${b.field}`);
  const engine = await getBiometricEngine();
  const cosine = engine.cosine(ea, eb);
  return { cosine, similarityScore: roundScore(similarityScore(cosine)) };
}

export const roundScore = (s: number) => Math.round(s * 100) / 100;

export { confidenceThresholds, passThresholdForSecurityLevel };
