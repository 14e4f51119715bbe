// Pure, isomorphic face geometry shared by the browser worker and the server pipeline.
// No Node or DOM APIs in this folder.
export type { Point, Affine2x3 } from './types';
export { LM68 } from './landmarks68';
export { eyeAspectRatio, mouthAspectRatio } from './ratios';
export { headPoseFromLandmarks, GENERIC_FACE_3D, type HeadPose } from './head-pose';
export {
  ARCFACE_TEMPLATE_112,
  fivePointsFrom68,
  similarityTransform,
  applyAffine,
  invertAffine,
} from './alignment';
export { laplacianVariance } from './laplacian';
