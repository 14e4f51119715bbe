export type BiometricErrorCode =
  | 'IMAGE_TOO_LARGE'
  | 'IMAGE_DIMENSIONS_TOO_LARGE'
  | 'NOT_AN_IMAGE'
  | 'MODEL_MISSING'
  /** More than BIOMETRICS_QUEUE_LIMIT analyses are already waiting for a worker: retry later. */
  | 'BUSY'
  /** The analysis worker died or timed out mid-job (it is restarted), or none could be started. */
  | 'ENGINE_FAILED';

/** A typed failure the API layer maps to a protocol error code; `message` is for logs. */
export class BiometricError extends Error {
  readonly code: BiometricErrorCode;
  constructor(code: BiometricErrorCode, message: string) {
    super(message);
    this.name = 'BiometricError';
    this.code = code;
  }
}

/**
 * Structural check, not instanceof: Next.js bundles instrumentation and each route separately, so
 * an engine created by one bundle throws a BiometricError class another bundle does not share.
 */
export function isBiometricError(e: unknown): e is BiometricError {
  return e instanceof Error && e.name === 'BiometricError' && typeof (e as { code?: unknown }).code === 'string';
}

/** True when the image itself is at fault (a caller's bad input), false for engine trouble. */
export function isImageInputError(e: unknown): e is BiometricError {
  return isBiometricError(e) && (e.code === 'IMAGE_TOO_LARGE' || e.code === 'IMAGE_DIMENSIONS_TOO_LARGE' || e.code === 'NOT_AN_IMAGE');
}
