import type { InferenceSession } from 'onnxruntime-node';
import type { FaceBox } from './detect';
import { cropResize, toNchw, type RgbImage } from './image';
import { runModel, softmax } from './models';

const SIZE = 128;
// Plain bilinear like the cv2.resize the model was trained with; 2×2 or 4×4 supersampling
// changed no decision on the spoof samples and costs ~15 ms on a 640×480 frame.
const PLAIN_BILINEAR = { maxSupersample: 1 };
export const LIVENESS_BOX_SCALE = 2.7;

/**
 * The MiniFASNet context crop: the detector box enlarged 2.7× about its centre (less if the
 * image is too small), shifted back inside the image rather than padded — the model judges
 * borders, moiré and paper edges around the face, so synthetic padding would mislead it.
 */
export function livenessCrop(img: RgbImage, box: FaceBox, scaleWanted = LIVENESS_BOX_SCALE): FaceBox {
  const scale = Math.min((img.height - 1) / box.height, (img.width - 1) / box.width, scaleWanted);
  const w = box.width * scale;
  const h = box.height * scale;
  let x = box.x + box.width / 2 - w / 2;
  let y = box.y + box.height / 2 - h / 2;
  x = Math.min(Math.max(x, 0), img.width - 1 - w);
  y = Math.min(Math.max(y, 0), img.height - 1 - h);
  return { x: Math.max(0, x), y: Math.max(0, y), width: w, height: h };
}

/** P(live) in 0..1. Raw 0–255 input in BGR order (measured: BGR separates samples, RGB does not); class 0 = live. */
export async function livenessScore(session: InferenceSession, img: RgbImage, detectorBox: FaceBox): Promise<number> {
  const crop = cropResize(img, livenessCrop(img, detectorBox), SIZE, SIZE, PLAIN_BILINEAR);
  const out = (await runModel(session, toNchw(crop, 0, 1, true), [1, 3, SIZE, SIZE])).output!;
  return softmax(out)[0]!;
}

/** The three class probabilities, for calibration/diagnostics. */
export async function livenessProbabilities(
  session: InferenceSession,
  img: RgbImage,
  detectorBox: FaceBox,
  bgr = true,
): Promise<number[]> {
  const crop = cropResize(img, livenessCrop(img, detectorBox), SIZE, SIZE, PLAIN_BILINEAR);
  const out = (await runModel(session, toNchw(crop, 0, 1, bgr), [1, 3, SIZE, SIZE])).output!;
  return softmax(out);
}
