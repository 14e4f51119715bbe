// Camera start-up with a precise failure for every way it goes wrong.
import type { FlowErrorCode } from '../../../lib/i18n/messages';

export class CameraError extends Error {
  constructor(readonly code: FlowErrorCode) {
    super(code);
    this.name = 'CameraError';
  }
}

/** What can be known before asking: no secure context, or no mediaDevices at all (webviews, in-app browsers). */
export function cameraPrecheck(): FlowErrorCode | null {
  if (typeof window === 'undefined') return null;
  if (!window.isSecureContext) return 'INSECURE_CONTEXT';
  if (!navigator.mediaDevices || typeof navigator.mediaDevices.getUserMedia !== 'function') return 'NO_MEDIA_DEVICES';
  return null;
}

export function classifyCameraError(e: unknown): FlowErrorCode {
  const name = (e as { name?: string } | null)?.name ?? '';
  switch (name) {
    case 'NotAllowedError':
    case 'PermissionDeniedError':
    case 'SecurityError':
      return 'CAMERA_DENIED';
    case 'NotFoundError':
    case 'DevicesNotFoundError':
    case 'OverconstrainedError':
      return 'CAMERA_NOT_FOUND';
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return 'CAMERA_BUSY';
    default:
      return 'CAMERA_FAILED';
  }
}

/** Front camera, 640×480 ideal; falls back to any camera when the constraints cannot be met. */
export async function openCamera(): Promise<MediaStream> {
  const pre = cameraPrecheck();
  if (pre) throw new CameraError(pre);
  const ideal: MediaStreamConstraints = { audio: false, video: { facingMode: 'user', width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 30 } } };
  try {
    return await navigator.mediaDevices.getUserMedia(ideal);
  } catch (e) {
    const code = classifyCameraError(e);
    if ((e as { name?: string }).name === 'OverconstrainedError') {
      try {
        return await navigator.mediaDevices.getUserMedia({ audio: false, video: true });
      } catch (e2) {
        throw new CameraError(classifyCameraError(e2));
      }
    }
    throw new CameraError(code);
  }
}

export async function attachStream(video: HTMLVideoElement, stream: MediaStream): Promise<void> {
  video.srcObject = stream;
  video.muted = true;
  video.playsInline = true;
  await video.play();
  if (video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA) {
    await new Promise<void>((resolve) => video.addEventListener('loadeddata', () => resolve(), { once: true }));
  }
}

/**
 * What the page can see of the camera after permission, for the server's injection checks: the
 * label (virtual cameras name themselves), the track's settings and the measured frame rate.
 * No device id (it identifies the device across sites).
 */
export function cameraSignals(stream: MediaStream, measuredFps?: number): Record<string, unknown> {
  const track = stream.getVideoTracks()[0];
  const st = (track?.getSettings?.() ?? {}) as MediaTrackSettings & { resizeMode?: string };
  const pick = <T>(v: T | undefined) => (v === undefined ? undefined : v);
  return {
    label: track?.label?.slice(0, 256),
    settings: { width: pick(st.width), height: pick(st.height), frameRate: pick(st.frameRate), facingMode: pick(st.facingMode), resizeMode: pick(st.resizeMode), aspectRatio: pick(st.aspectRatio) },
    ...(measuredFps !== undefined && { measuredFps: Math.round(measuredFps * 10) / 10 }),
  };
}
