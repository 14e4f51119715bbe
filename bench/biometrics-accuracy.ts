// Accuracy of the server biometrics on the real test media:
//  - 1:1 verification on pairs/pairs.csv, per source folder and overall: ROC AUC, EER, TAR at
//    the calibrated FAR 1e-2 / 1e-3 thresholds (lib/biometrics/calibration.json, fitted on all
//    cross-identity pairs) with the FAR actually observed at them, failure-to-detect rate;
//  - passive anti-spoofing on spoof/labels.csv: APCER / BPCER at LIVENESS_THRESHOLD.
// Run: npx tsx bench/biometrics-accuracy.ts
import fs from 'node:fs';
import path from 'node:path';
import { getBiometricEngine } from '../lib/biometrics';
import { cosine } from '../lib/biometrics/embed';
import { equalErrorRate, rateAtOrAbove, rocAuc, thresholdAtFar } from '../lib/biometrics/roc';
import { calibrationInfo, cosineAtFar, LIVENESS_THRESHOLD } from '../lib/biometrics/scores';
import {
  embedPairImages,
  impostorCosines,
  markdownTable,
  MEDIA_DIR,
  PAIRS_DIR,
  readCsv,
  requireMedia,
  writeResultsSection,
} from './biometrics-media';

const pct = (x: number, digits = 2) => (Number.isFinite(x) ? `${(100 * x).toFixed(digits)}%` : 'n/a');

interface PairScore {
  source: string;
  same: boolean;
  cos: number | null; // null: a face was not found
}

async function verification() {
  const images = await embedPairImages();
  const pairs: PairScore[] = readCsv(path.join(PAIRS_DIR, 'pairs.csv')).map((p) => {
    const a = images.get(p.a!), b = images.get(p.b!);
    if (!a || !b) throw new Error(`pairs.csv names an image missing from identities.csv: ${p.a} / ${p.b}`);
    return {
      source: a.source === b.source ? a.source : 'mixed',
      same: p.same === '1',
      cos: a.embedding && b.embedding ? cosine(a.embedding, b.embedding) : null,
    };
  });
  const t2 = cosineAtFar(1e-2);
  const t3 = cosineAtFar(1e-3);
  const rows: (string | number)[][] = [];
  const groups = [...new Set(pairs.map((p) => p.source))].sort();
  for (const g of [...groups, 'overall']) {
    const ps = g === 'overall' ? pairs : pairs.filter((p) => p.source === g);
    const imgs = [...images.values()].filter((i) => g === 'overall' || i.source === g);
    // A pair with an undetected face is a rejection: it counts as −∞ similarity.
    const gen = ps.filter((p) => p.same).map((p) => p.cos ?? -Infinity);
    const imp = ps.filter((p) => !p.same).map((p) => p.cos ?? -Infinity);
    rows.push([
      g,
      imgs.length,
      `${gen.length}/${imp.length}`,
      rocAuc(gen, imp).toFixed(6),
      pct(equalErrorRate(gen, imp).eer),
      `${pct(rateAtOrAbove(gen, t2))} (FAR ${pct(rateAtOrAbove(imp, t2))})`,
      `${pct(rateAtOrAbove(gen, t3))} (FAR ${pct(rateAtOrAbove(imp, t3))})`,
      pct(imgs.filter((i) => !i.embedding).length / imgs.length, 1),
    ]);
  }
  // The same metrics against every cross-identity pair (what calibrate.ts fits on).
  const allImp = impostorCosines(images, cosine);
  const gen = pairs.filter((p) => p.same).map((p) => p.cos ?? -Infinity);
  const empirical = [1e-2, 1e-3].map((far) => `TAR ${pct(rateAtOrAbove(gen, thresholdAtFar(allImp, far)))} at measured FAR ${far}`);
  return {
    table: markdownTable(
      ['source', 'images', 'genuine/impostor pairs', 'ROC AUC', 'EER', 'TAR @ FAR 1e-2 thr.', 'TAR @ FAR 1e-3 thr.', 'failure to detect'],
      rows,
    ),
    allPairs: `All ${allImp.length} cross-identity pairs vs the ${gen.length} genuine pairs: ROC AUC ${rocAuc(gen, allImp).toFixed(6)}, EER ${pct(equalErrorRate(gen, allImp).eer)}, ${empirical.join(', ')}.`,
    tar3: rateAtOrAbove(gen, t3),
  };
}

async function antiSpoof() {
  const engine = await getBiometricEngine();
  const rows = readCsv(path.join(MEDIA_DIR, 'spoof/labels.csv'));
  const results = await Promise.all(
    rows.map(async (r) => {
      const a = await engine.analyze(fs.readFileSync(path.join(MEDIA_DIR, 'spoof', r.file!)), { liveness: true });
      return { set: r.file!.split('/')[0]!, live: r.label === 'live', p: a.faces[0]?.liveness ?? null };
    }),
  );
  const table: (string | number)[][] = [];
  for (const set of [...new Set(results.map((r) => r.set)), 'overall']) {
    const rs = results.filter((r) => set === 'overall' || r.set === set);
    // No face found = the sample is rejected (an attack stopped, a bona fide user refused).
    const attacks = rs.filter((r) => !r.live);
    const bona = rs.filter((r) => r.live);
    const apcer = attacks.filter((r) => r.p !== null && r.p >= LIVENESS_THRESHOLD).length / attacks.length;
    const bpcer = bona.filter((r) => r.p === null || r.p < LIVENESS_THRESHOLD).length / bona.length;
    const mean = (xs: typeof rs) => xs.filter((r) => r.p !== null).reduce((s, r) => s + r.p!, 0) / Math.max(1, xs.filter((r) => r.p !== null).length);
    table.push([
      set,
      `${attacks.length}/${bona.length}`,
      rs.filter((r) => r.p === null).length,
      pct(apcer, 1),
      pct(bpcer, 1),
      `${mean(attacks).toFixed(2)} / ${mean(bona).toFixed(2)}`,
      rocAuc(bona.map((r) => r.p ?? 0), attacks.map((r) => r.p ?? 0)).toFixed(3),
    ]);
  }
  return markdownTable(['set', 'attacks/bona fide', 'no face', 'APCER', 'BPCER', 'mean P(live) attack / bona fide', 'AUC'], table);
}

async function main() {
  requireMedia();
  const v = await verification();
  const spoof = await antiSpoof();
  const cal = calibrationInfo();
  const body = [
    '## Biometrics accuracy (server)',
    '',
    `Generated by \`npx tsx bench/biometrics-accuracy.ts\` on ${new Date().toISOString().slice(0, 10)}. Media: ../shared/media (not in the repo).`,
    '',
    '### 1:1 verification, pairs/pairs.csv',
    `Thresholds from lib/biometrics/calibration.json (${cal.data.impostorPairs} cross-identity pairs):` +
      ` FAR 1e-2 at cosine ${cosineAtFar(1e-2).toFixed(3)}, FAR 1e-3 at ${cosineAtFar(1e-3).toFixed(3)}.` +
      ' The FAR in brackets is what the folder\'s own impostor pairs show at that threshold.',
    '',
    v.table,
    '',
    v.allPairs,
    '',
    `### Passive anti-spoofing, spoof/labels.csv, P(live) threshold ${LIVENESS_THRESHOLD}`,
    'APCER = attacks accepted, BPCER = live people rejected. nuaa-sample images are tight face crops: the model' +
      ' wants 2.7× context around the face, which these crops cannot provide, so their numbers say little about camera frames.',
    '',
    spoof,
    '',
    `Target TAR ≥ 99% at FAR 1e-3: ${v.tar3 >= 0.99 ? 'met' : 'NOT met'} (${pct(v.tar3)} overall).`,
  ].join('\n');
  console.log(body);
  const file = writeResultsSection('biometrics-accuracy', body);
  console.log(`\nwrote ${path.relative(process.cwd(), file)}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
