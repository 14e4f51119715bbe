// Does face analysis block the main thread's event loop? A setInterval(…, 5) timer runs while
// 1, 2 and 4 concurrent analyze() calls work through real 640×480 frames; we report how late the
// timer fires (the longest stall) and the images/s achieved at the same time.
// On a shared machine every process sees scheduling stalls: an idle control process runs the same
// timer at the same time, and "unexplained" stalls are the main thread's late time not covered
// by a control stall (what the engine itself caused).
// Run: npx tsx bench/biometrics-event-loop.ts   (IMAGES=40 to change the number per row)
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance as nodePerformance } from 'node:perf_hooks';
import sharp from 'sharp';
import { getBiometricEngine } from '../lib/biometrics';
import { MEDIA_DIR, markdownTable, requireMedia, writeResultsSection } from './biometrics-media';

const IMAGES = Number(process.env.IMAGES ?? 40);
const INTERVAL_MS = 5;

type Gap = [start: number, end: number];
const now = () => performance.timeOrigin + performance.now(); // comparable across processes

/** The same timer in an idle child process: its gaps are the machine's scheduling stalls. */
const CONTROL = `const now=()=>performance.timeOrigin+performance.now();let l=now();const g=[];
const t=setInterval(()=>{const n=now();if(n-l>${INTERVAL_MS * 2})g.push([l,n]);l=n},${INTERVAL_MS});
process.on('message',()=>{clearInterval(t);process.send(g,()=>process.exit(0))});process.send('ready');`;

function gapMonitor() {
  const gaps: Gap[] = [];
  let last = now();
  const timer = setInterval(() => {
    const n = now();
    gaps.push([last, n]);
    last = n;
  }, INTERVAL_MS);
  return () => (clearInterval(timer), gaps);
}

async function startControl(): Promise<() => Promise<Gap[]>> {
  const child = spawn(process.execPath, ['-e', CONTROL], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  await new Promise((r) => child.once('message', r));
  return () =>
    new Promise<Gap[]>((resolve) => {
      child.once('message', (g) => resolve(g as Gap[]));
      child.send('stop');
    });
}

/** Late time of a main-thread gap not overlapped by any control stall. */
function unexplained([s, e]: Gap, control: readonly Gap[]): number {
  let covered = 0;
  for (const [cs, ce] of control) covered += Math.max(0, Math.min(e, ce) - Math.max(s, cs));
  return Math.max(0, e - s - covered);
}

function summarize(main: Gap[], control: Gap[]) {
  const lens = main.map(([s, e]) => e - s).sort((a, b) => a - b);
  const own = main.map((g) => unexplained(g, control)).sort((a, b) => a - b);
  const ctl = control.map(([s, e]) => e - s);
  return {
    max: lens.at(-1) ?? NaN,
    p99: lens[Math.floor(lens.length * 0.99)] ?? NaN,
    over20: lens.filter((g) => g > 20).length,
    ticks: lens.length,
    ownMax: own.at(-1) ?? NaN,
    controlMax: ctl.length ? Math.max(...ctl) : INTERVAL_MS,
  };
}

async function main() {
  requireMedia();
  const src = path.join(MEDIA_DIR, 'pairs/face_recognition/obama/obama.jpg');
  const jpeg = await sharp(fs.readFileSync(src)).rotate().resize(640, 480, { fit: 'contain', background: '#808080' }).jpeg({ quality: 90 }).toBuffer();
  const engine = await getBiometricEngine();
  for (let i = 0; i < 4; i++) await engine.analyze(jpeg, { embed: true, liveness: true }); // warm-up
  const rows: (string | number)[][] = [];
  for (const c of [1, 2, 4]) {
    let next = 0;
    const stopControl = await startControl();
    const stopMain = gapMonitor();
    const elu0 = nodePerformance.eventLoopUtilization();
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: c }, async () => {
        while (next < IMAGES) {
          next++;
          await engine.analyze(jpeg, { embed: true, liveness: true });
        }
      }),
    );
    const secs = (performance.now() - t0) / 1000;
    const busyPct = nodePerformance.eventLoopUtilization(elu0).utilization * 100;
    const mainGaps = stopMain();
    const g = summarize(mainGaps, await stopControl());
    rows.push([c, (IMAGES / secs).toFixed(1), g.max.toFixed(1), g.p99.toFixed(1), `${g.over20} / ${g.ticks}`, g.controlMax.toFixed(1), g.ownMax.toFixed(1), busyPct.toFixed(0)]);
    console.log(
      `concurrency ${c}: ${(IMAGES / secs).toFixed(1)} images/s, timer gap max ${g.max.toFixed(1)} ms, p99 ${g.p99.toFixed(1)} ms, ${g.over20}/${g.ticks} gaps > 20 ms; ` +
        `idle control process max gap ${g.controlMax.toFixed(1)} ms; longest stall not seen by the control ${g.ownMax.toFixed(1)} ms; main thread busy ${busyPct.toFixed(0)}%`,
    );
  }
  const body = [
    '## Event-loop responsiveness during face analysis (bench/biometrics-event-loop.ts)',
    '',
    `${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), Node ${process.version}, BIOMETRICS_CONCURRENCY=${engine.concurrency}, load average at start ${os.loadavg()[0]!.toFixed(1)}; ${new Date().toISOString().slice(0, 10)}.`,
    `${IMAGES} analyses (640×480 JPEG, embed + liveness) per row; a setInterval(…, ${INTERVAL_MS}) timer on the main thread records how long it actually waited between ticks.`,
    'The same timer runs in an idle control process meanwhile: its stalls are the machine\'s (other load), and "not shared" is the longest main-thread stall the control did not see. "Main thread busy" is its event-loop utilisation (performance.eventLoopUtilization).',
    '',
    markdownTable(['concurrent analyses', 'images/s', 'max timer gap ms', 'p99 gap ms', 'gaps > 20 ms', 'control max gap ms', 'max stall not shared by control ms', 'main thread busy %'], rows),
  ].join('\n');
  if (process.env.WRITE_RESULTS !== '0') writeResultsSection('biometrics-event-loop', body);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
