// Entry of a biometrics worker thread (started by lib/biometrics/pool.ts).
//
// Plain JavaScript on purpose: the pool starts it by file path, from the repo (resolved from
// process.cwd(), like the models), so the same file works under `next start` (where the engine
// itself runs from a Turbopack bundle in .next/), under tsx scripts and under Vitest. The
// TypeScript pipeline is then loaded through tsx's CommonJS hooks (tsx is a runtime dependency
// and caches its transforms on disk). Measured on 2 cores: a worker is ready 0.65–1.5 s after
// spawn (workers start in parallel), of which loading tsx is 0.2–0.5 s on a quiet machine and
// creating the five ONNX sessions 0.25–0.45 s; it is paid once per worker start, not per job.
import { createRequire } from 'node:module';
import { register } from 'tsx/cjs/api';

register();
createRequire(import.meta.url)('./worker-main.ts');
