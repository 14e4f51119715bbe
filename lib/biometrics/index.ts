export { getBiometricEngine } from './engine';
export type { AnalyzedFace, AnalyzeOptions, BiometricEngine, FaceBox, ImageAnalysis } from './engine';
export { BiometricError, isBiometricError, isImageInputError, type BiometricErrorCode } from './errors';
export { MAX_IMAGE_BYTES, MAX_IMAGE_SIDE } from './decode';
