export type BiometricErrorCode =
  | 'IMAGE_TOO_LARGE'
  | 'IMAGE_DIMENSIONS_TOO_LARGE'
  | 'NOT_AN_IMAGE'
  | 'MODEL_MISSING';

/** A typed failure the API layer maps to a protocol error code; `message` is for logs. */
export class BiometricError extends Error {
  readonly code: BiometricErrorCode;
  constructor(code: BiometricErrorCode, message: string) {
    super(message);
    this.name = 'BiometricError';
    this.code = code;
  }
}
