import { getBiometricEngine } from '../../biometrics/engine';
import * as scores from '../../biometrics/scores';
import type { Scoring } from './decision';

/** The decision's scoring functions, bound to the server's biometric engine and calibration. */
export async function serverScoring(): Promise<Scoring> {
  const engine = await getBiometricEngine();
  return {
    cosine: (a, b) => engine.cosine(a, b),
    similarityScore: scores.similarityScore,
    passThreshold: scores.passThresholdForSecurityLevel,
  };
}

/** The scene's passive anti-spoof threshold, else the engine's calibrated default. */
export function livenessThresholdFor(sceneThreshold: number | undefined): number {
  return sceneThreshold ?? scores.LIVENESS_THRESHOLD;
}
