// Face detection with MediaPipe's BlazeFace (short range) through tasks-vision's FaceDetector.
// The model needs TFLite metadata with NormalizationOptions, which scripts/prepare-browser-models.mjs
// writes into public/models/face_detection_short_range.tflite.
import { FaceDetector, type Detection } from '@mediapipe/tasks-vision';
import type { DetectorDelegate, PixelBox, Point } from './types';

export interface DetectedFace {
  score: number;
  box: PixelBox;
  keypoints: Point[];
}

export interface DetectorConfig {
  loaderUrl: string;
  binaryUrl: string;
  model: Uint8Array;
  delegate: DetectorDelegate;
  minDetectionConfidence: number;
}

export class FaceBoxDetector {
  private lastTimestamp = -1;

  private constructor(
    private readonly detector: FaceDetector,
    readonly delegate: DetectorDelegate,
  ) {}

  /** Tries the requested delegate, then CPU: a GPU delegate fails without WebGL2 in workers. */
  static async create(config: DetectorConfig, onFallback?: (from: DetectorDelegate, error: unknown) => void): Promise<FaceBoxDetector> {
    const order: DetectorDelegate[] = config.delegate === 'GPU' ? ['GPU', 'CPU'] : ['CPU'];
    let lastError: unknown;
    for (const delegate of order) {
      try {
        const detector = await FaceDetector.createFromOptions(
          { wasmLoaderPath: config.loaderUrl, wasmBinaryPath: config.binaryUrl },
          {
            // tasks-vision may take ownership of the buffer it is given: pass a copy per attempt.
            baseOptions: { modelAssetBuffer: config.model.slice(), delegate },
            runningMode: 'VIDEO',
            minDetectionConfidence: config.minDetectionConfidence,
          },
        );
        return new FaceBoxDetector(detector, delegate);
      } catch (error) {
        lastError = error;
        if (delegate !== order[order.length - 1]) onFallback?.(delegate, error);
      }
    }
    throw lastError;
  }

  /** All faces, best first (score, then area), in frame pixels. */
  detect(image: ImageBitmap, timestamp: number): DetectedFace[] {
    // VIDEO mode rejects non-increasing timestamps; callers' clocks may repeat a value.
    const ts = Math.max(Math.round(timestamp), this.lastTimestamp + 1);
    this.lastTimestamp = ts;
    const result = this.detector.detectForVideo(image, ts);
    return result.detections
      .map((d) => toFace(d, image.width, image.height))
      .filter((f): f is DetectedFace => f !== null)
      .sort((a, b) => b.score - a.score || b.box.width * b.box.height - a.box.width * a.box.height);
  }

  close(): void {
    this.detector.close();
  }
}

function toFace(d: Detection, width: number, height: number): DetectedFace | null {
  if (!d.boundingBox) return null;
  const { originX, originY, width: w, height: h } = d.boundingBox;
  return {
    score: d.categories[0]?.score ?? 0,
    box: { x: originX, y: originY, width: w, height: h },
    keypoints: (d.keypoints ?? []).map((k) => [k.x * width, k.y * height] as const),
  };
}
