// Shared loader for the real test media in ../shared/media (never copied into the repo).
import fs from 'node:fs';
import path from 'node:path';
import { getBiometricEngine, type ImageAnalysis } from '../lib/biometrics';

export const MEDIA_DIR = path.resolve(__dirname, '../../shared/media');
export const PAIRS_DIR = path.join(MEDIA_DIR, 'pairs');

export function requireMedia(): void {
  if (!fs.existsSync(PAIRS_DIR)) {
    console.error(`test media not found at ${MEDIA_DIR} (see DESIGN §5); nothing to measure`);
    process.exit(2);
  }
}

/** Minimal CSV reader: header row, comma-separated, double-quoted fields may hold commas. */
export function readCsv(file: string): Record<string, string>[] {
  const lines = fs.readFileSync(file, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
  const split = (line: string) => {
    const out: string[] = [];
    let cur = '', quoted = false;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i]!;
      if (quoted) {
        if (ch === '"' && line[i + 1] === '"') { cur += '"'; i++; }
        else if (ch === '"') quoted = false;
        else cur += ch;
      } else if (ch === '"') quoted = true;
      else if (ch === ',') { out.push(cur); cur = ''; }
      else cur += ch;
    }
    out.push(cur);
    return out;
  };
  const header = split(lines[0]!);
  return lines.slice(1).map((l) => {
    const cells = split(l);
    return Object.fromEntries(header.map((h, i) => [h, cells[i] ?? '']));
  });
}

export interface PairImage {
  file: string; // relative to pairs/
  identity: string;
  source: string; // first folder: dlib-johns, faceapi-bbt, ...
  embedding: Float32Array | null; // null = no face found
  analysis: ImageAnalysis;
}

/** Analyses every image listed in identities.csv once (embedding of the main face). */
export async function embedPairImages(): Promise<Map<string, PairImage>> {
  const engine = await getBiometricEngine();
  const rows = readCsv(path.join(PAIRS_DIR, 'identities.csv'));
  const out = new Map<string, PairImage>();
  // A few at a time: submitting all images at once would overflow the engine's bounded queue.
  let next = 0;
  const work = rows.map((r) => async () => {
      const analysis = await engine.analyze(fs.readFileSync(path.join(PAIRS_DIR, r.file!)), { embed: true });
      out.set(r.file!, {
        file: r.file!,
        identity: r.identity!,
        source: r.file!.split('/')[0]!,
        embedding: analysis.faces[0]?.embedding ?? null,
        analysis,
      });
  });
  await Promise.all(Array.from({ length: 8 }, async () => {
    while (next < work.length) await work[next++]!();
  }));
  return out;
}

/** Every cross-identity pair (each unordered pair once) with both faces found. */
export function impostorCosines(images: Map<string, PairImage>, cos: (a: Float32Array, b: Float32Array) => number): number[] {
  const list = [...images.values()].filter((i) => i.embedding);
  const out: number[] = [];
  for (let i = 0; i < list.length; i++)
    for (let j = i + 1; j < list.length; j++)
      if (list[i]!.identity !== list[j]!.identity) out.push(cos(list[i]!.embedding!, list[j]!.embedding!));
  return out;
}

/** Replaces the section between `<!-- name:start -->` and `<!-- name:end -->`, appending it if absent. */
export function writeResultsSection(name: string, body: string): string {
  const file = path.resolve(__dirname, 'RESULTS.md');
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const block = `${start}\n${body.trim()}\n${end}`;
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Benchmark results\n';
  const i = current.indexOf(start);
  const j = current.indexOf(end);
  const next = i >= 0 && j > i ? current.slice(0, i) + block + current.slice(j + end.length) : `${current.trimEnd()}\n\n${block}\n`;
  fs.writeFileSync(file, next);
  return file;
}

export function markdownTable(header: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
