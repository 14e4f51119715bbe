'use client';

// Diagnostics for the face worker: camera → worker → live numbers. Everything measured is also
// published on window.__faceLab for bench/browser-worker.ts. Query parameters (for experiments):
// ?every=N (anti-spoof cadence), ?threads=N, ?delegate=GPU|CPU.
// Reach it by a full page load: COOP/COEP (needed for ORT threads) only apply to documents.
import { useEffect, useRef, useState } from 'react';
import {
  createFaceWorker,
  startFramePump,
  type FaceWorkerClient,
  type FaceWorkerInfo,
  type FrameAnalysis,
  type LoadProgress,
  type StageTimings,
} from '../../../workers/face-worker-client';

type Stage = keyof StageTimings;
const STAGES: Stage[] = ['pixels', 'detect', 'landmarks', 'eyes', 'quality', 'liveness', 'total'];

interface FrameLogEntry {
  /** ms since the camera delivered its first frame (≈ position in a fake-camera clip). */
  t: number;
  faces: number;
  yaw?: number;
  pitch?: number;
  roll?: number;
  /** Mean of both eyes' aspect ratios. */
  ear?: number;
  mar?: number;
  /** Mean of both eyes' P(open). */
  eyeOpen?: number;
  liveness?: number;
  brightness?: number;
  sharpness?: number;
}

interface FaceLab {
  /** performance.now() marks, ms since navigation start. */
  marks: { workerReady?: number; cameraReady?: number; firstFrame?: number; firstFace?: number };
  info?: FaceWorkerInfo;
  progress: LoadProgress[];
  errors: string[];
  log: FrameLogEntry[];
  /** One entry per analysed frame, index-aligned with `log`. */
  timings: Partial<StageTimings>[];
  pump?: { analysed: number; skipped: number; errors: number };
  camera?: { width: number; height: number; frameRate?: number; label: string };
  crossOriginIsolated: boolean;
  /** Analysed frames per second since the first analysed frame. */
  fps(): number;
  percentiles(): Partial<Record<Stage, { p50: number; p95: number; n: number }>>;
  last?: FrameAnalysis;
}

declare global {
  interface Window {
    __faceLab?: FaceLab;
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p + 0.5))]!;
}

function createLab(): FaceLab {
  const lab: FaceLab = {
    marks: {},
    progress: [],
    errors: [],
    log: [],
    timings: [],
    // Set on the client in the effect: the server render must match the first client render.
    crossOriginIsolated: false,
    fps() {
      const n = lab.log.length;
      if (n < 2) return 0;
      return ((n - 1) * 1000) / (lab.log[n - 1]!.t - lab.log[0]!.t);
    },
    percentiles() {
      const out: ReturnType<FaceLab['percentiles']> = {};
      for (const stage of STAGES) {
        const values = lab.timings
          .map((t) => t[stage])
          .filter((v): v is number => v !== undefined)
          .sort((a, b) => a - b);
        if (values.length) out[stage] = { p50: percentile(values, 0.5), p95: percentile(values, 0.95), n: values.length };
      }
      return out;
    },
  };
  return lab;
}

const r2 = (v: number) => Math.round(v * 100) / 100;

function record(lab: FaceLab, result: FrameAnalysis, cameraStart: number) {
  lab.last = result;
  if (lab.marks.firstFrame === undefined) lab.marks.firstFrame = performance.now();
  const face = result.face;
  if (face && lab.marks.firstFace === undefined) lab.marks.firstFace = performance.now();
  lab.timings.push(Object.fromEntries(Object.entries(result.timings).map(([k, v]) => [k, r2(v)])));
  lab.log.push({
    t: Math.round(result.timestamp - cameraStart),
    faces: result.faceCount,
    ...(face && {
      yaw: r2(face.pose.yaw),
      pitch: r2(face.pose.pitch),
      roll: r2(face.pose.roll),
      ear: r2((face.eyeAspectRatio.left + face.eyeAspectRatio.right) / 2),
      mar: r2(face.mouthAspectRatio),
      eyeOpen: r2((face.eyeOpen.left + face.eyeOpen.right) / 2),
      liveness: face.liveness === undefined ? undefined : r2(face.liveness),
      brightness: face.brightness,
      sharpness: face.sharpness,
    }),
  });
}

function drawOverlay(canvas: HTMLCanvasElement | null, result: FrameAnalysis) {
  const ctx = canvas?.getContext('2d');
  if (!canvas || !ctx) return;
  if (canvas.width !== result.frameWidth) canvas.width = result.frameWidth;
  if (canvas.height !== result.frameHeight) canvas.height = result.frameHeight;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  const face = result.face;
  if (!face) return;
  const b = face.box.pixels;
  ctx.strokeStyle = '#22c55e';
  ctx.lineWidth = 2;
  ctx.strokeRect(b.x, b.y, b.width, b.height);
  ctx.fillStyle = '#f59e0b';
  for (const [x, y] of face.landmarks) ctx.fillRect(x - 1.5, y - 1.5, 3, 3);
  ctx.fillStyle = '#ef4444';
  for (const [x, y] of face.keypoints) ctx.fillRect(x - 3, y - 3, 6, 6);
}

function LiveNumbers({ result }: { result: FrameAnalysis | null }) {
  // Only rendered with a result, i.e. on the client after the effect created the lab.
  const lab = typeof window === 'undefined' ? undefined : window.__faceLab;
  if (!result || !lab) return <p className="text-sm text-slate-500">waiting for the first analysed frame…</p>;
  const f = result.face;
  const pct = lab.percentiles();
  const rows: [string, string][] = [
    ['faces', String(result.faceCount)],
    ['fps (analysed)', lab.fps().toFixed(1)],
    ['yaw / pitch / roll °', f ? `${f.pose.yaw.toFixed(1)} / ${f.pose.pitch.toFixed(1)} / ${f.pose.roll.toFixed(1)}` : '–'],
    ['eye open P (L / R)', f ? `${f.eyeOpen.left.toFixed(2)} / ${f.eyeOpen.right.toFixed(2)}` : '–'],
    ['EAR (L / R)', f ? `${f.eyeAspectRatio.left.toFixed(3)} / ${f.eyeAspectRatio.right.toFixed(3)}` : '–'],
    ['MAR', f ? f.mouthAspectRatio.toFixed(3) : '–'],
    ['brightness face / frame', f ? `${f.brightness} / ${result.frameBrightness}` : String(result.frameBrightness)],
    ['sharpness', f ? String(f.sharpness) : '–'],
    ['P(live), last', lab.log.findLast((e) => e.liveness !== undefined)?.liveness?.toFixed(2) ?? '–'],
    ...STAGES.map((s): [string, string] => [`${s} ms p50 / p95`, pct[s] ? `${pct[s]!.p50.toFixed(1)} / ${pct[s]!.p95.toFixed(1)}` : '–']),
  ];
  return (
    <table className="text-sm tabular-nums">
      <tbody>
        {rows.map(([k, v]) => (
          <tr key={k}>
            <td className="pr-4 text-slate-500">{k}</td>
            <td data-field={k}>{v}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export default function WorkerLabPage() {
  const videoRef = useRef<HTMLVideoElement>(null);
  const overlayRef = useRef<HTMLCanvasElement>(null);
  const [status, setStatus] = useState('starting');
  const [result, setResult] = useState<FrameAnalysis | null>(null);

  useEffect(() => {
    // Plain mutable diagnostics read by the bench, deliberately outside React state.
    const current = createLab();
    current.crossOriginIsolated = window.crossOriginIsolated === true;
    window.__faceLab = current;
    const params = new URLSearchParams(window.location.search);
    const num = (key: string) => (params.has(key) ? Number(params.get(key)) : undefined);
    const delegate = params.get('delegate') === 'GPU' ? 'GPU' : undefined;
    let stopped = false;
    let client: FaceWorkerClient | null = null;
    let stream: MediaStream | null = null;
    let stopPump = () => {};
    let lastPaint = 0;
    const fail = (what: string) => (error: unknown) => {
      const message = `${what}: ${error instanceof Error ? error.message : String(error)}`;
      current.errors.push(message);
      setStatus(message);
    };

    const workerReady = createFaceWorker({
      livenessEvery: num('every'),
      threads: num('threads'),
      delegate,
      onProgress: (p) => {
        current.progress.push(p);
      },
    }).then((c) => {
      if (stopped) {
        void c.dispose();
        throw new Error('page closed');
      }
      client = c;
      current.info = c.info;
      current.marks.workerReady = performance.now();
      return c;
    });

    const cameraReady = navigator.mediaDevices
      .getUserMedia({ audio: false, video: { facingMode: 'user', width: { ideal: 640 }, height: { ideal: 480 } } })
      .then(async (s) => {
        stream = s;
        const video = videoRef.current!;
        video.srcObject = s;
        await video.play();
        const track = s.getVideoTracks()[0];
        const settings = track?.getSettings();
        current.camera = { width: video.videoWidth, height: video.videoHeight, frameRate: settings?.frameRate, label: track?.label ?? '' };
        current.marks.cameraReady = performance.now();
        return video;
      });

    Promise.all([workerReady, cameraReady])
      .then(([c, video]) => {
        if (stopped) return;
        const info = current.info!;
        setStatus(
          `running · crossOriginIsolated=${String(current.crossOriginIsolated)} · ORT threads ${info.threads} · detector ${info.delegate} · loaded in ${info.loadMs.total} ms`,
        );
        const cameraStart = current.marks.cameraReady!;
        const pump = startFramePump(
          video,
          c,
          (r) => {
            record(current, r, cameraStart);
            drawOverlay(overlayRef.current, r);
            current.pump = { ...pump.stats };
            // React only needs a few repaints a second; the log keeps every frame.
            const now = performance.now();
            if (now - lastPaint > 200) {
              lastPaint = now;
              setResult(r);
            }
          },
          fail('analyze'),
        );
        stopPump = () => pump.stop();
      })
      .catch(fail('start'));

    return () => {
      stopped = true;
      stopPump();
      stream?.getTracks().forEach((t) => t.stop());
      void (client as FaceWorkerClient | null)?.dispose();
    };
  }, []);

  return (
    <main className="mx-auto max-w-5xl p-4">
      <h1 className="mb-2 text-lg font-semibold">Face worker lab</h1>
      <p className="mb-4 text-sm" data-testid="status">
        {status}
      </p>
      <div className="flex flex-wrap gap-6">
        <div className="relative w-[640px] max-w-full -scale-x-100">
          <video ref={videoRef} className="block w-full" playsInline muted />
          <canvas ref={overlayRef} className="absolute inset-0 h-full w-full" />
        </div>
        <LiveNumbers result={result} />
      </div>
    </main>
  );
}
