// Default locations of the wasm runtimes. `new URL(literal, import.meta.url)` makes the bundler
// publish each file as a hashed, immutable asset next to the worker chunk, so nothing has to be
// copied into public/ and a new library version can never be served from a stale cache.
// The worker is bundled as a CLASSIC worker (DESIGN §4): tasks-vision must use its classic
// loader (vision_wasm_internal.js, loaded with importScripts), not the module variant.

export function defaultVisionWasm(): { loaderUrl: string; binaryUrl: string } {
  return {
    loaderUrl: new URL('../../node_modules/@mediapipe/tasks-vision/wasm/vision_wasm_internal.js', import.meta.url).href,
    binaryUrl: new URL('../../node_modules/@mediapipe/tasks-vision/wasm/vision_wasm_internal.wasm', import.meta.url).href,
  };
}

/** The glue code is inlined in `onnxruntime-web/wasm`'s bundle build; only the binary is fetched. */
export function defaultOrtWasmUrl(): string {
  return new URL('../../node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.wasm', import.meta.url).href;
}

export const MODEL_FILES = {
  detector: 'face_detection_short_range.tflite',
  landmarks: 'fr_landmark.onnx',
  eyes: 'fr_eye.onnx',
  liveness: 'fr_liveness.onnx',
} as const;

export type ModelName = keyof typeof MODEL_FILES;

export function modelUrl(name: ModelName, base: string | undefined, overrides?: Partial<Record<ModelName, string>>): string {
  const explicit = overrides?.[name];
  if (explicit) return new URL(explicit, self.location.href).href;
  const dir = base ?? '/models/';
  return new URL(MODEL_FILES[name], new URL(dir.endsWith('/') ? dir : `${dir}/`, self.location.href)).href;
}
