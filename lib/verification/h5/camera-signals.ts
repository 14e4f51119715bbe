import { z } from 'zod';

/**
 * Injection signals: what the page could see of the camera (its label, the track's settings,
 * the frame rate it measured). The page can lie about all of it, so these only ever count
 * against an attempt, never for it: they go to the audit trail, and a scene with
 * `liveness.rejectVirtualCamera` fails an attempt whose camera looks virtual.
 */
export const cameraSignalsSchema = z
  .object({
    label: z.string().max(256).optional(),
    settings: z
      .object({
        width: z.number().nonnegative().max(20000).optional(),
        height: z.number().nonnegative().max(20000).optional(),
        frameRate: z.number().nonnegative().max(1000).optional(),
        facingMode: z.string().max(32).optional(),
        resizeMode: z.string().max(32).optional(),
        aspectRatio: z.number().nonnegative().max(100).optional(),
      })
      .partial()
      .optional(),
    /** Frames per second the page measured from requestVideoFrameCallback before the attempt. */
    measuredFps: z.number().nonnegative().max(1000).optional(),
    /** Number of video inputs the browser lists. */
    videoInputs: z.number().int().nonnegative().max(64).optional(),
  })
  .strip();

export type CameraSignals = z.infer<typeof cameraSignalsSchema>;

/** Labels of virtual / injected cameras and capture tools (case-insensitive, word parts). */
const VIRTUAL_LABELS = [/virtual/i, /\bfake\b/i, /\bobs\b/i, /manycam/i, /droidcam/i, /iriun/i, /epoccam/i, /xsplit/i, /snap\s*camera/i, /camtwist/i, /v4l2\s*loopback/i, /\bndi\b/i, /mmhmm/i, /e2esoft|vcam/i, /splitcam/i, /youcam/i, /camo\b/i];

export interface SignalVerdict {
  virtual: boolean;
  markers: string[];
}

export function classifySignals(s: CameraSignals | null | undefined): SignalVerdict {
  const markers: string[] = [];
  if (s?.label) for (const re of VIRTUAL_LABELS) if (re.test(s.label)) markers.push(`label:${re.source}`);
  const fr = s?.settings?.frameRate;
  // Physical phone and laptop cameras run at 15–60 fps; an injected source often claims odd rates.
  if (fr !== undefined && (fr > 0 && (fr < 5 || fr > 120))) markers.push(`frameRate:${fr}`);
  if (s?.measuredFps !== undefined && s.settings?.frameRate && s.measuredFps > 1.5 * s.settings.frameRate + 2) markers.push(`measuredFps:${s.measuredFps}`);
  return { virtual: markers.length > 0, markers };
}
