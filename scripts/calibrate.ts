// Calibrates cosine → SimilarityScore (0–100) on every cross-identity pair of the test media
// and writes lib/biometrics/calibration.json. Run: npx tsx scripts/calibrate.ts
//
// Vendor scale: the score at FAR 1e-2 is 70, at 1e-3 80, at 1e-4 90 (Cloudauth's
// ConfidenceThresholds look like {"0.0001":"90.07","0.001":"80.01","0.01":"69.97"}). We extend
// it with 1e-5 → 95 and 1e-6 → 98 for security levels 3 and 4, and below 70 with 55 at FAR 0.1
// and 30 at the impostor median, so the whole −1…1 cosine range maps monotonically to 0…100.
import fs from 'node:fs';
import path from 'node:path';
import { embedPairImages, impostorCosines, PAIRS_DIR, readCsv, requireMedia } from '../bench/biometrics-media';
import { cosine } from '../lib/biometrics/embed';
import { farThresholds, fitExponentialTail } from '../lib/biometrics/far-tail';
import type { Calibration } from '../lib/biometrics/scores';

const SCORE_AT_FAR: ReadonlyArray<readonly [number, number]> = [
  [0.5, 30],
  [0.1, 55],
  [0.01, 70],
  [0.001, 80],
  [0.0001, 90],
  [0.00001, 95],
  [0.000001, 98],
];

async function main() {
  requireMedia();
  const images = await embedPairImages();
  const missing = [...images.values()].filter((i) => !i.embedding).map((i) => i.file);
  if (missing.length) console.warn(`no face found in ${missing.length} images (left out): ${missing.join(', ')}`);
  const impostor = impostorCosines(images, cosine);
  const identities = new Set([...images.values()].map((i) => i.identity));

  const thresholds = farThresholds(impostor, SCORE_AT_FAR.map(([far]) => far));
  const scoreOf = new Map(SCORE_AT_FAR);
  const anchors = thresholds
    .map((t) => ({ ...t, cosine: Math.min(t.cosine, 0.999), score: scoreOf.get(t.far)! }))
    .sort((a, b) => a.cosine - b.cosine);

  // Sanity: genuine pairs of pairs.csv, to print where they land (not used for fitting).
  const genuine = readCsv(path.join(PAIRS_DIR, 'pairs.csv'))
    .filter((p) => p.same === '1')
    .map((p) => [images.get(p.a!)?.embedding, images.get(p.b!)?.embedding] as const)
    .filter((x): x is readonly [Float32Array, Float32Array] => !!x[0] && !!x[1])
    .map(([a, b]) => cosine(a, b));

  const calibration: Calibration = {
    description:
      'cosine → SimilarityScore anchors for fr_feature (faceplugin-face-recognition-js@0.0.1), from scripts/calibrate.ts',
    generatedAt: new Date().toISOString().slice(0, 10),
    data: {
      images: images.size - missing.length,
      identities: identities.size,
      impostorPairs: impostor.length,
      impostorMaxCosine: Math.max(...impostor),
      genuinePairsForReference: genuine.length,
      genuineMinCosine: Math.min(...genuine),
    },
    tailModel: { kind: 'exponential peaks-over-threshold', ...fitExponentialTail(impostor) },
    anchors: anchors.map(({ far, cosine: c, score, basis, impostorsAbove }) => ({
      far,
      cosine: +c.toFixed(5),
      score,
      basis,
      ...(impostorsAbove !== undefined ? { impostorsAbove } : {}),
    })),
  };
  const file = path.resolve(__dirname, '../lib/biometrics/calibration.json');
  fs.writeFileSync(file, JSON.stringify(calibration, null, 2) + '\n');
  console.table(calibration.anchors);
  console.log(calibration.data);
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
