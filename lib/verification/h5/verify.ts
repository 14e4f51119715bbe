import crypto from 'node:crypto';
import sharp from 'sharp';
import type { AppContext } from '../../context';
import type { H5AttemptTable, TaskTable } from '../../store/schema';
import type { LivenessAction, Scene } from '../../store/scenes';
import { getBiometricEngine } from '../../biometrics/engine';
import { isImageInputError } from '../../biometrics/errors';
import { countPeople, type FaceFacts, type FrameFacts } from './checks';
import { faceFacts } from './face-facts';
import { decide } from './decision';
import type { EvidenceRole } from './evidence';
import { livenessThresholdFor, serverScoring } from './scoring';
import type { Verdict } from './attempts';
import { perChallengeTimeoutSeconds } from './challenges';
import { isRetryable, type ReasonCode } from './reasons';
import { evaluateCurrentChallenge, loadStream, measurePending, settleMeasurements } from './stream';
import { checkCadence, checkContinuity, checkStreamFaces, pickSamples, steadyViews, STREAM_RULES } from './stream-checks';

/** Reference photos in order of preference (Binding fields stored as materials). */
export const REFERENCE_KINDS = ['FacePic', 'IDPic', 'FaceRetainedPic'] as const;


async function loadReference(ctx: AppContext, taskId: string): Promise<Buffer | null> {
  for (const kind of REFERENCE_KINDS) {
    const row = await ctx.db.selectFrom('materials').select(['blob_key']).where('task_id', '=', taskId).where('kind', '=', kind).orderBy('created_at', 'desc').executeTakeFirst();
    if (row) return ctx.blobs.get(row.blob_key);
  }
  return null;
}


/** Mean absolute grey-level difference above which a full-resolution best frame is not the streamed moment. */
export const SAME_MOMENT_MAX_MAD = 12;
/** Near-frontal frames the server picks at random for the embedding and the passive anti-spoof. */
export const STREAM_SAMPLES = 6;

/** Is the full-resolution image the same picture as the (smaller) streamed frame? */
export async function sameMoment(full: Buffer, streamed: Buffer): Promise<{ same: boolean; mad: number }> {
  const s = await sharp(streamed).rotate().greyscale().raw().toBuffer({ resolveWithObject: true });
  const f = await sharp(full).rotate().resize(s.info.width, s.info.height, { fit: 'fill' }).greyscale().raw().toBuffer();
  let sum = 0;
  for (let i = 0; i < s.data.length; i++) sum += Math.abs(s.data[i]! - f[i]!);
  const mad = Math.round((sum / Math.max(1, s.data.length)) * 100) / 100;
  return { same: mad <= SAME_MOMENT_MAX_MAD, mad };
}

/**
 * Decides an attempt from its live stream, trusting nothing the page measured, in this order:
 * injection signals (when the scene rejects virtual cameras); real-time cadence and no replayed
 * frames; every challenge seen by the server's own analysis with its onset after issue;
 * faces throughout; continuity; the best frame (a streamed frame, or its full-resolution copy
 * proven to be the same moment); then on frames the server picks after arrival: one person
 * (embeddings), passive anti-spoof; finally the reference photo.
 */
export async function verifyStream(ctx: AppContext, task: TaskTable, scene: Scene, attempt: H5AttemptTable, input: { bestSeq: number | null }): Promise<Verdict> {
  const started = process.hrtime.bigint();
  // The stream had to last until now (finish), not until the server finished measuring it.
  const finishedAt = Date.now();
  const fail = (reason: ReasonCode, metrics: Record<string, unknown> = {}): Verdict => ({ decision: { passed: false, reason, retryable: isRetryable(reason), similarityScore: null, metrics: { livenessMedian: null, livenessThreshold: 0, ...metrics } }, facePic: null });
  const signals = JSON.parse(attempt.signals ?? '{}') as { virtual?: boolean };
  if (scene.settings.liveness.rejectVirtualCamera && signals.virtual) return fail('VIRTUAL_CAMERA');

  await settleMeasurements(attempt.id);
  await measurePending(ctx, attempt.id);
  const challenges = JSON.parse(attempt.challenges) as LivenessAction[];
  const timeoutS = perChallengeTimeoutSeconds(scene.settings.liveness.timeoutSeconds, challenges.length);
  await evaluateCurrentChallenge(ctx, attempt, timeoutS);
  const rows = await ctx.db.selectFrom('h5_challenges').selectAll().where('attempt_id', '=', attempt.id).orderBy('idx').execute();
  const allSeen = rows.length === challenges.length && rows.every((r) => r.seen_at !== null);

  // The stream first: a burst, holes or replayed frames fail whatever they show.
  const frames = await loadStream(ctx, attempt.id);
  const endTs = allSeen ? Math.max(...rows.map((r) => Number(r.seen_at))) : finishedAt;
  const cadence = checkCadence(frames, endTs);
  const stream: Record<string, unknown> = { stream: cadence.metrics };
  if (cadence.reason) return fail(cadence.reason, stream);
  const replayShare = await replayedShare(ctx, attempt.id);
  stream.replayShare = Math.round(replayShare * 1000) / 1000;
  if (replayShare >= STREAM_RULES.replayFraction) return fail('CAPTURE_NOT_LIVE', stream);

  // Every challenge seen by the server's own analysis, started after it was issued.
  if (rows.length < challenges.length) return fail('EVIDENCE_INCOMPLETE', stream);
  const unseen = rows.find((r) => r.seen_at === null);
  if (unseen) return fail(`LIVENESS_ACTION_NOT_DETECTED:${unseen.action as LivenessAction}`, stream);
  const faces = checkStreamFaces(frames);
  if (faces) return fail(faces, stream);
  const cont = checkContinuity(frames);
  stream.continuity = { maxShift: cont.maxShift, maxLogSize: cont.maxLogSize };
  if (cont.reason) return fail(cont.reason, stream);

  // The best frame: one of the streamed frames, or its full-resolution copy if the page sent one.
  const bestStreamed = frames.find((f) => f.seq === input.bestSeq && f.facts?.face && f.facts.faceCount === 1);
  if (!bestStreamed) return fail('LOW_QUALITY', stream);
  const blobOf = async (seq: number) => {
    const r = await ctx.db.selectFrom('h5_frames').select('blob_key').where('attempt_id', '=', attempt.id).where('seq', '=', seq).executeTakeFirst();
    if (!r?.blob_key) throw new Error(`streamed frame ${seq} has no image`);
    return ctx.blobs.get(r.blob_key);
  };
  const bestSmall = await blobOf(bestStreamed.seq);
  let bestImage = bestSmall;
  const full = await ctx.db.selectFrom('h5_evidence').select(['blob_key', 'stream_seq']).where('attempt_id', '=', attempt.id).where('idx', '=', 0).executeTakeFirst();
  if (full?.blob_key) {
    const fullBytes = await ctx.blobs.get(full.blob_key);
    const m = full.stream_seq === bestStreamed.seq ? await sameMoment(fullBytes, bestSmall).catch(() => ({ same: false, mad: -1 })) : { same: false, mad: -1 };
    stream.bestFrameMad = m.mad;
    if (!m.same) return fail('CAPTURE_DISCONTINUITY', stream);
    bestImage = fullBytes;
  }

  // Frames for the embedding and anti-spoof, chosen now, after every frame arrived.
  const samples = pickSamples(frames.filter((f) => f.seq !== bestStreamed.seq), STREAM_SAMPLES, crypto.randomInt, steadyViews(frames));
  const engine = await getBiometricEngine();
  const analyse = async (data: Buffer, seq: number, role: EvidenceRole, action: LivenessAction | null, liveness: boolean): Promise<FrameFacts> => {
    try {
      const a = await engine.analyze(data, { embed: true, liveness, maxFaces: 3 });
      const main = a.faces[0];
      return { idx: seq, role, action, faceCount: countPeople(a.faces.map((f) => f.box.width)), face: main ? faceFacts(a, main) : undefined };
    } catch (err) {
      if (isImageInputError(err)) return { idx: seq, role, action, faceCount: 0 };
      throw err;
    }
  };
  const jobs: Promise<FrameFacts>[] = [analyse(bestImage, bestStreamed.seq, 'best', null, true)];
  for (const seq of samples) jobs.push(blobOf(seq).then((d) => analyse(d, seq, 'before', null, true)));
  for (const r of rows) {
    const ev = JSON.parse(r.evidence!) as { before: number; peak: number; after: number };
    const action = r.action as LivenessAction;
    jobs.push(blobOf(ev.before).then((d) => analyse(d, ev.before, 'before', action, false)));
    jobs.push(blobOf(ev.peak).then((d) => analyse(d, ev.peak, 'peak', action, false)));
    jobs.push(blobOf(ev.after).then((d) => analyse(d, ev.after, 'after', action, false)));
  }
  const checked = await Promise.all(jobs);
  const reference = await analyseReference(ctx, task.id);
  const decision = decide({
    challenges,
    frames: checked,
    reference,
    securityLevel: scene.settings.securityLevel as 1 | 2 | 3 | 4,
    livenessThreshold: livenessThresholdFor(scene.settings.livenessThreshold),
    scoring: await serverScoring(),
  });
  Object.assign(decision.metrics, stream, { samples: samples.length, serverMs: Math.round(Number(process.hrtime.bigint() - started) / 1e6) });
  return { decision, facePic: decision.passed ? bestImage : null };
}

async function analyseReference(ctx: AppContext, taskId: string): Promise<{ face?: FaceFacts } | null> {
  const refBytes = await loadReference(ctx, taskId);
  if (!refBytes) return null;
  const engine = await getBiometricEngine();
  try {
    const a = await engine.analyze(refBytes, { embed: true, maxFaces: 1 });
    return { face: a.faces[0] ? faceFacts(a, a.faces[0]) : undefined };
  } catch (err) {
    if (!isImageInputError(err)) throw err;
    return { face: undefined };
  }
}

/**
 * Share of this attempt's frames that another attempt already streamed in the same order: runs
 * of three consecutive, distinct, byte-identical frames. An exact replay scores ≈ 1; a genuine
 * camera never repeats bytes, and even a looping test clip grabbed at another phase repeats
 * short runs only (measured ≤ 0.44 on re-runs of the same fake-camera clip).
 */
async function replayedShare(ctx: AppContext, attemptId: string): Promise<number> {
  const mine = (await ctx.db.selectFrom('h5_frames').select('sha256').where('attempt_id', '=', attemptId).orderBy('capture_ts').execute()).map((r) => r.sha256);
  if (mine.length < 3) return 0;
  const others = await ctx.db
    .selectFrom('h5_frames')
    .select(['attempt_id', 'sha256'])
    .where('attempt_id', 'in', (qb) => qb.selectFrom('h5_frames').select('attempt_id').distinct().where('sha256', 'in', [...new Set(mine)]).where('attempt_id', '!=', attemptId))
    .orderBy('attempt_id')
    .orderBy('capture_ts')
    .execute();
  const runs = new Set<string>();
  for (let i = 0; i + 2 < others.length; i++) {
    const [a, b, c] = [others[i]!, others[i + 1]!, others[i + 2]!];
    if (a.attempt_id === c.attempt_id && a.sha256 !== b.sha256 && b.sha256 !== c.sha256 && a.sha256 !== c.sha256) runs.add(`${a.sha256}${b.sha256}${c.sha256}`);
  }
  const covered = new Set<number>();
  for (let i = 0; i + 2 < mine.length; i++) if (runs.has(`${mine[i]}${mine[i + 1]}${mine[i + 2]}`)) covered.add(i).add(i + 1).add(i + 2);
  return covered.size / mine.length;
}
