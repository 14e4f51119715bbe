import type { InferenceSession } from 'onnxruntime-node';
import type { Point } from '../face-geometry';
import type { FaceBox } from './detect';
import { cropResize, toGray, type RgbImage } from './image';
import { runModel } from './models';

const SIZE = 64;

/** 68 landmarks from a 64×64 grey crop of the square face box (/256, as the model was trained). */
export async function detectLandmarks(session: InferenceSession, img: RgbImage, box: FaceBox): Promise<Point[]> {
  const crop = cropResize(img, box, SIZE, SIZE, { maxSupersample: 2 });
  const grey = toGray(crop);
  const input = new Float32Array(SIZE * SIZE);
  for (let i = 0; i < input.length; i++) input[i] = grey[i]! / 256;
  const out = (await runModel(session, input, [1, 1, SIZE, SIZE])).output!;
  const pts: Point[] = [];
  for (let i = 0; i < 68; i++) pts.push([box.x + out[i * 2]! * box.width, box.y + out[i * 2 + 1]! * box.height]);
  return pts;
}
