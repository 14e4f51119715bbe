import type { AppContext } from '../../context';
import type { Db } from '../../store/database';
import type { H5AttemptTable, TaskTable } from '../../store/schema';
import { getScene, type LivenessAction, type Scene } from '../../store/scenes';
import { recordAudit } from '../../store/audit';
import { newId, sha256Hex } from '../../ids';
import { log } from '../../log';
import { hashToken, resolveToken } from '../tokens';
import { putMaterial } from '../materials';
import { chooseChallenges, perChallengeTimeoutSeconds } from './challenges';
import { isJpeg, MAX_EVIDENCE_BYTES } from './evidence';
import { H5Error } from './errors';
import { allowedRedirect } from './redirect';
import { isRetryable, type ReasonCode } from './reasons';
import type { Decision } from './decision';
import { cameraSignalsSchema, classifySignals, type CameraSignals } from './camera-signals';
import { evaluateCurrentChallenge, parseBatch, storeBatch, STREAM_LIMITS, type ChallengeView } from './stream';
import { holdForReview } from '../review';
import { enqueueDecisionCallback } from '../callbacks/outbox';

/** An attempt must be finished this long after it started (camera, models, align, challenges). */
export const ATTEMPT_TTL_MS = 15 * 60 * 1000;
/** A decision that crashed half-way may be re-claimed after this. */
const CLAIM_STALE_MS = 2 * 60 * 1000;
/**
 * Align (the face into the guide) must succeed this long after the attempt started, else the
 * attempt ends as ALIGN_TIMEOUT. The page shows help after a few seconds and gives up at this
 * limit; the server allows a few seconds more for the request to arrive.
 */
export const ALIGN_TIMEOUT_SECONDS = 30;
const SERVER_GRACE_MS = 5000;
/** The stream must be alive (a frame arrived this recently) for the server to issue a challenge. */
const STREAM_ALIVE_MS = 4000;

/** What the page needs to run an attempt; the challenges themselves are issued one at a time. */
export interface StartedAttempt {
  attemptId: string;
  seq: number;
  maxAttempts: number;
  challengeCount: number;
  challengeTimeoutSeconds: number;
  alignTimeoutSeconds: number;
  stream: { targetFps: number; maxSide: number; maxFramesPerBatch: number; maxFrameBytes: number };
  expiresAt: number;
}

export type OutcomeKind = 'passed' | 'failed' | 'retry';

/** What the page learns once the server has decided (never before). */
export interface Outcome {
  outcome: OutcomeKind;
  reason: ReasonCode | null;
  attemptsLeft: number;
  /** Only an allowed redirect target (see redirect.ts), else null. */
  redirectUrl: string | null;
}

interface Authed {
  task: TaskTable;
  tokenHash: string;
  scene: Scene;
}

const TOKEN_ERRORS = { unknown: 'TOKEN_UNKNOWN', expired: 'TOKEN_EXPIRED', superseded: 'TOKEN_SUPERSEDED', decided: 'TOKEN_DECIDED' } as const;

/** The token must be live; an attempt already under way may be completed after the token's own expiry. */
async function authenticate(ctx: AppContext, token: string, opts: { allowExpired?: boolean } = {}): Promise<Authed> {
  const r = await resolveToken(ctx.db, token);
  if (r.state !== 'valid' && !(opts.allowExpired && r.state === 'expired')) throw new H5Error(TOKEN_ERRORS[r.state as keyof typeof TOKEN_ERRORS] ?? 'TOKEN_UNKNOWN');
  const scene = await getScene(ctx.db, r.task!.biz);
  if (!scene || !scene.enabled) throw new H5Error('SCENE_UNAVAILABLE');
  return { task: r.task!, tokenHash: hashToken(token), scene };
}

async function loadAttempt(db: Db, authed: Authed, attemptId: string): Promise<H5AttemptTable> {
  const a = await db.selectFrom('h5_attempts').selectAll().where('id', '=', attemptId).executeTakeFirst();
  if (!a || a.task_id !== authed.task.id || a.token_hash !== authed.tokenHash) throw new H5Error('ATTEMPT_NOT_FOUND');
  return a;
}

const actor = (task: TaskTable) => `h5:${task.id}`;

/** For finish/abort/challenge: like authenticate(), but a decided token still answers for the
 *  attempt that decided it, so a retried request gets the stored outcome instead of an error. */
async function authenticateForAttempt(ctx: AppContext, token: string): Promise<Authed> {
  try {
    return await authenticate(ctx, token, { allowExpired: true });
  } catch (e) {
    if (e instanceof H5Error && e.code === 'TOKEN_DECIDED') {
      const r = await resolveToken(ctx.db, token);
      const scene = r.task ? await getScene(ctx.db, r.task.biz) : null;
      if (r.task && scene) return { task: r.task, tokenHash: hashToken(token), scene };
    }
    throw e;
  }
}

const challengeTimeout = (scene: Scene, count: number) => perChallengeTimeoutSeconds(scene.settings.liveness.timeoutSeconds, count);

/**
 * Starts an attempt once the page's camera delivers frames: counts it against maxAttempts,
 * draws the challenge order (CSPRNG; kept on the server and revealed one at a time), marks the
 * task in progress (StatusCode 0) and closes any attempt left open by a reload — in one
 * transaction. While another attempt of the task is being decided no attempt starts, so a
 * verdict can never be dodged by racing a new attempt.
 */
export async function startAttempt(ctx: AppContext, token: string, input: { successRedirect?: string | null; failRedirect?: string | null; camera?: unknown }): Promise<StartedAttempt> {
  const authed = await authenticate(ctx, token);
  const { task, scene } = authed;
  const now = Date.now();
  const max = scene.settings.maxAttempts;
  const deciding = await ctx.db.selectFrom('h5_attempts').select('id').where('task_id', '=', task.id).where('state', '=', 'deciding').where('claimed_at', '>=', now - CLAIM_STALE_MS).executeTakeFirst();
  if (deciding) throw new H5Error('DECISION_PENDING');
  if (task.attempts >= max) {
    await finalizeWithoutEvidence(ctx, authed, null, 'MAX_ATTEMPTS_EXCEEDED');
    throw new H5Error('ATTEMPTS_EXHAUSTED');
  }
  const cam = cameraSignalsSchema.safeParse(input.camera ?? {});
  const signals: CameraSignals = cam.success ? cam.data : {};
  const verdict = classifySignals(signals);
  const challenges = chooseChallenges(scene.settings.liveness.actions, scene.settings.liveness.count);
  const attempt: H5AttemptTable = {
    id: newId('at_'),
    task_id: task.id,
    token_hash: authed.tokenHash,
    seq: task.attempts + 1,
    state: 'open',
    challenges: JSON.stringify(challenges),
    success_redirect: allowedRedirect(input.successRedirect, scene.settings.redirectOrigins),
    fail_redirect: allowedRedirect(input.failRedirect, scene.settings.redirectOrigins),
    reason: null,
    decision: null,
    created_at: now,
    expires_at: now + ATTEMPT_TTL_MS,
    claimed_at: null,
    decided_at: null,
    signals: JSON.stringify({ ...signals, virtual: verdict.virtual, markers: verdict.markers }),
  };
  await ctx.db.transaction().execute(async (trx) => {
    const upd = await trx
      .updateTable('tasks')
      .set({ status_code: 0, attempts: task.attempts + 1, version: task.version + 1, updated_at: now })
      .where('id', '=', task.id)
      .where('version', '=', task.version)
      .where('status_code', 'in', [-1, 0])
      .executeTakeFirst();
    // A decision claimed the task in between (it bumps the version): refuse, the page asks again.
    if (Number(upd.numUpdatedRows) !== 1) throw new H5Error('DECISION_PENDING', 'the task changed while starting an attempt');
    const stale = await trx.updateTable('h5_attempts').set({ state: 'superseded', reason: 'USER_CANCELLED', decided_at: now }).where('task_id', '=', task.id).where('state', '=', 'open').executeTakeFirst();
    await trx.insertInto('h5_attempts').values(attempt).execute();
    await recordAudit(trx, {
      taskId: task.id,
      actor: actor(task),
      event: 'h5.attempt.started',
      detail: {
        attemptId: attempt.id,
        seq: attempt.seq,
        maxAttempts: max,
        challengeCount: challenges.length,
        closedStale: Number(stale.numUpdatedRows),
        successRedirect: !!attempt.success_redirect,
        failRedirect: !!attempt.fail_redirect,
        redirectRefused: (!!input.successRedirect && !attempt.success_redirect) || (!!input.failRedirect && !attempt.fail_redirect),
        // Injection signals (no personal data): the camera's label, its track settings, the measured rate.
        camera: { ...signals, virtual: verdict.virtual, markers: verdict.markers },
      },
    });
  });
  return {
    attemptId: attempt.id,
    seq: attempt.seq,
    maxAttempts: max,
    challengeCount: challenges.length,
    challengeTimeoutSeconds: challengeTimeout(scene, challenges.length),
    alignTimeoutSeconds: ALIGN_TIMEOUT_SECONDS,
    stream: { targetFps: 8, maxSide: 320, maxFramesPerBatch: STREAM_LIMITS.maxFramesPerBatch, maxFrameBytes: STREAM_LIMITS.maxFrameBytes },
    expiresAt: attempt.expires_at,
  };
}

function requireOpen(a: H5AttemptTable, now = Date.now()): void {
  if (a.state !== 'open') throw new H5Error('ATTEMPT_CLOSED');
  if (a.expires_at <= now) throw new H5Error('ATTEMPT_CLOSED', 'the attempt has expired');
}

async function currentChallenge(ctx: AppContext, attempt: H5AttemptTable, scene: Scene): Promise<ChallengeView | null> {
  const ch = await ctx.db.selectFrom('h5_challenges').selectAll().where('attempt_id', '=', attempt.id).orderBy('idx', 'desc').executeTakeFirst();
  if (!ch) return null;
  const total = (JSON.parse(attempt.challenges) as LivenessAction[]).length;
  return { index: ch.idx, total, action: ch.action as LivenessAction, issuedAt: Number(ch.issued_at), timeoutSeconds: challengeTimeout(scene, total), seen: ch.seen_at !== null };
}

/**
 * One batch of the live stream. The answer says whether the server's own analysis has seen the
 * current challenge done (from frames of earlier batches: this batch is measured after answering,
 * so a slow analysis never delays the arrival stamps of the next frames).
 */
export async function putStream(ctx: AppContext, token: string, attemptId: string, body: Buffer, arrivedAt = Date.now()): Promise<{ stored: number; duplicates: number; challenge: ChallengeView | null }> {
  const authed = await authenticate(ctx, token, { allowExpired: true });
  const attempt = await loadAttempt(ctx.db, authed, attemptId);
  requireOpen(attempt);
  const frames = parseBatch(body);
  const total = (JSON.parse(attempt.challenges) as LivenessAction[]).length;
  const r = await storeBatch(ctx, attempt, frames, challengeTimeout(authed.scene, total), arrivedAt);
  return { stored: r.stored, duplicates: r.duplicates, challenge: await currentChallenge(ctx, attempt, authed.scene) };
}

export type ChallengeAnswer =
  | { state: 'issued' | 'pending'; challenge: ChallengeView }
  | { state: 'complete' }
  | { state: 'decided'; outcome: Outcome };

/**
 * The page asks for the next challenge. The server issues it only when the previous one was seen
 * by its own analysis (and the first only while the stream is live and within the align limit),
 * and records when it issued it: the action counts only if it starts after that moment.
 */
export async function nextChallenge(ctx: AppContext, token: string, attemptId: string): Promise<ChallengeAnswer> {
  const authed = await authenticateForAttempt(ctx, token);
  const attempt = await loadAttempt(ctx.db, authed, attemptId);
  if (attempt.decision) return { state: 'decided', outcome: outcomeOf(attempt, authed.scene.settings.maxAttempts) };
  requireOpen(attempt);
  const now = Date.now();
  const challenges = JSON.parse(attempt.challenges) as LivenessAction[];
  const timeoutS = challengeTimeout(authed.scene, challenges.length);
  let cur = await currentChallenge(ctx, attempt, authed.scene);
  if (!cur) {
    if (now - attempt.created_at > ALIGN_TIMEOUT_SECONDS * 1000 + SERVER_GRACE_MS) return { state: 'decided', outcome: await closeWithoutDecision(ctx, authed, attempt, 'ALIGN_TIMEOUT') };
    const last = await ctx.db.selectFrom('h5_frames').select('arrival_ts').where('attempt_id', '=', attempt.id).orderBy('arrival_ts', 'desc').executeTakeFirst();
    if (!last || now - Number(last.arrival_ts) > STREAM_ALIVE_MS) throw new H5Error('STREAM_NOT_LIVE');
  } else if (!cur.seen) {
    await evaluateCurrentChallenge(ctx, attempt, timeoutS);
    cur = (await currentChallenge(ctx, attempt, authed.scene))!;
    if (!cur.seen) {
      if (now > cur.issuedAt + timeoutS * 1000 + SERVER_GRACE_MS) return { state: 'decided', outcome: await closeWithoutDecision(ctx, authed, attempt, 'LIVENESS_TIMEOUT') };
      return { state: 'pending', challenge: cur };
    }
  }
  const idx = cur ? cur.index + 1 : 0;
  if (idx >= challenges.length) return { state: 'complete' };
  await ctx.db.insertInto('h5_challenges').values({ attempt_id: attempt.id, idx, action: challenges[idx]!, issued_at: now, seen_at: null, evidence: null }).onConflict((oc) => oc.columns(['attempt_id', 'idx']).doNothing()).execute();
  const issued = (await currentChallenge(ctx, attempt, authed.scene))!;
  await recordAudit(ctx.db, { taskId: authed.task.id, actor: actor(authed.task), event: 'h5.challenge.issued', detail: { attemptId: attempt.id, index: issued.index, action: issued.action, issuedAt: issued.issuedAt } });
  return { state: 'issued', challenge: issued };
}

/**
 * The full-resolution best frame (optional): it must be the same moment as the streamed frame
 * `seq` — the server checks the pixels at finish. Idempotent: the same bytes again are accepted.
 */
export async function putBestFrame(ctx: AppContext, token: string, attemptId: string, seq: number, data: Buffer): Promise<{ duplicate: boolean }> {
  const authed = await authenticate(ctx, token, { allowExpired: true });
  const attempt = await loadAttempt(ctx.db, authed, attemptId);
  requireOpen(attempt);
  if (data.length > MAX_EVIDENCE_BYTES) throw new H5Error('FRAME_TOO_LARGE');
  if (!isJpeg(data)) throw new H5Error('NOT_JPEG');
  const streamed = await ctx.db.selectFrom('h5_frames').select('seq').where('attempt_id', '=', attemptId).where('seq', '=', seq).executeTakeFirst();
  if (!streamed) throw new H5Error('BAD_FRAME_INDEX', 'the best frame must be one of the streamed frames');
  const sha256 = sha256Hex(data);
  const existing = await ctx.db.selectFrom('h5_evidence').select(['sha256']).where('attempt_id', '=', attemptId).where('idx', '=', 0).executeTakeFirst();
  if (existing) {
    if (existing.sha256 === sha256) return { duplicate: true };
    throw new H5Error('FRAME_CONFLICT');
  }
  const blobKey = await ctx.blobs.put(data);
  const r = await ctx.db
    .insertInto('h5_evidence')
    .values({ attempt_id: attemptId, idx: 0, role: 'best', action: null, blob_key: blobKey, size: data.length, sha256, created_at: Date.now(), stream_seq: seq })
    .onConflict((oc) => oc.columns(['attempt_id', 'idx']).doNothing())
    .executeTakeFirst();
  if (Number(r.numInsertedOrUpdatedRows ?? 0n) !== 1) {
    await ctx.blobs.delete(blobKey);
    const row = await ctx.db.selectFrom('h5_evidence').select(['sha256']).where('attempt_id', '=', attemptId).where('idx', '=', 0).executeTakeFirst();
    if (row?.sha256 === sha256) return { duplicate: true };
    throw new H5Error('FRAME_CONFLICT');
  }
  return { duplicate: false };
}

/** What finish/abort answer for a decided attempt (also on a retried request). */
function outcomeOf(a: H5AttemptTable, maxAttempts: number): Outcome {
  const d = JSON.parse(a.decision ?? 'null') as Outcome | null;
  if (d) return d;
  return { outcome: 'failed', reason: (a.reason as ReasonCode) ?? null, attemptsLeft: Math.max(0, maxAttempts - a.seq), redirectUrl: a.fail_redirect };
}

/** The decided verdict and, on a pass, the image that becomes the task's FacePic. */
export interface Verdict {
  decision: Decision;
  facePic: Buffer | null;
}

export type StreamVerifier = (ctx: AppContext, task: TaskTable, scene: Scene, attempt: H5AttemptTable, input: { bestSeq: number | null }) => Promise<Verdict>;

/**
 * Claims an attempt for deciding: the attempt goes to `deciding` and the task's version moves on
 * in one transaction, so an attempt start racing this one fails its own version check.
 */
async function claim(ctx: AppContext, authed: Authed, attemptId: string, allowStale: boolean): Promise<boolean> {
  const now = Date.now();
  return ctx.db.transaction().execute(async (trx) => {
    const c = await trx
      .updateTable('h5_attempts')
      .set({ state: 'deciding', claimed_at: now })
      .where('id', '=', attemptId)
      .where((eb) => (allowStale ? eb.or([eb('state', '=', 'open'), eb.and([eb('state', '=', 'deciding'), eb('claimed_at', '<', now - CLAIM_STALE_MS)])]) : eb('state', '=', 'open')))
      .executeTakeFirst();
    if (Number(c.numUpdatedRows) !== 1) return false;
    await trx.updateTable('tasks').set({ version: (eb) => eb('version', '+', 1) }).where('id', '=', authed.task.id).execute();
    return true;
  });
}

/**
 * Decides an attempt: claims it (only one request decides), re-verifies the stream on the server
 * (`verify`), then writes the outcome to the attempt, the task, the token and the audit trail in
 * one transaction. A retried request gets the stored outcome again.
 */
export async function finishAttempt(ctx: AppContext, token: string, attemptId: string, input: { bestSeq: number | null }, verify: StreamVerifier): Promise<Outcome> {
  const authed = await authenticateForAttempt(ctx, token);
  const attempt = await loadAttempt(ctx.db, authed, attemptId);
  const max = authed.scene.settings.maxAttempts;
  if (attempt.decision) return outcomeOf(attempt, max);
  if (authed.task.status_code === 1 || authed.task.status_code === 2) throw new H5Error('TOKEN_DECIDED');
  if (!(await claim(ctx, authed, attemptId, true))) {
    const again = await loadAttempt(ctx.db, authed, attemptId);
    if (again.decision) return outcomeOf(again, max);
    if (again.state === 'deciding') throw new H5Error('DECISION_PENDING');
    throw new H5Error('ATTEMPT_CLOSED');
  }
  if (attempt.expires_at <= Date.now()) return settle(ctx, authed, attempt, failure('LIVENESS_TIMEOUT'), null);
  let verdict: Verdict;
  try {
    verdict = await verify(ctx, authed.task, authed.scene, attempt, input);
  } catch (e) {
    // Release the claim so a retried finish can decide; nothing on the task changed but its version.
    await ctx.db.updateTable('h5_attempts').set({ state: 'open', claimed_at: null }).where('id', '=', attemptId).where('state', '=', 'deciding').execute();
    log.error({ err: (e as Error).message, taskId: authed.task.id }, 'h5 verification failed to run');
    throw new H5Error('SERVER_ERROR');
  }
  return settle(ctx, authed, attempt, verdict.decision, verdict.facePic);
}

const failure = (reason: ReasonCode): Decision => ({ passed: false, reason, retryable: isRetryable(reason), similarityScore: null, metrics: { livenessMedian: null, livenessThreshold: 0 } });

/** Ends an open attempt with a reason the server or the page established without a decision run. */
async function closeWithoutDecision(ctx: AppContext, authed: Authed, attempt: H5AttemptTable, reason: ReasonCode): Promise<Outcome> {
  if (!(await claim(ctx, authed, attempt.id, false))) {
    const again = await loadAttempt(ctx.db, authed, attempt.id);
    if (again.decision) return outcomeOf(again, authed.scene.settings.maxAttempts);
    throw new H5Error('ATTEMPT_CLOSED');
  }
  return settle(ctx, authed, attempt, failure(reason), null);
}

/** The page gave up on an attempt (align or challenge timeout, cancel): it fails, using up its count. */
export async function abortAttempt(ctx: AppContext, token: string, attemptId: string, reason: 'LIVENESS_TIMEOUT' | 'ALIGN_TIMEOUT' | 'USER_CANCELLED'): Promise<Outcome> {
  const authed = await authenticateForAttempt(ctx, token);
  const attempt = await loadAttempt(ctx.db, authed, attemptId);
  if (attempt.decision) return outcomeOf(attempt, authed.scene.settings.maxAttempts);
  return closeWithoutDecision(ctx, authed, attempt, reason);
}

async function settle(ctx: AppContext, authed: Authed, attempt: H5AttemptTable, d: Decision, bestFrame: Buffer | null): Promise<Outcome> {
  const { scene } = authed;
  const now = Date.now();
  const max = scene.settings.maxAttempts;
  // Re-read: the task may have been decided meanwhile by another path (SubmitVerification).
  const task = await ctx.db.selectFrom('tasks').selectAll().where('id', '=', authed.task.id).executeTakeFirstOrThrow();
  const attemptsLeft = Math.max(0, max - task.attempts);
  const finalFailure = !d.passed && (!d.retryable || attemptsLeft === 0);
  const kind: OutcomeKind = d.passed ? 'passed' : finalFailure ? 'failed' : 'retry';
  // No attempt can start while this one is deciding (startAttempt), so the verdict applies unless
  // the task was decided by another path; the page is then told what is stored, never more.
  const ownsTask = task.status_code === 0;
  const outcome: Outcome = ownsTask
    ? { outcome: kind, reason: d.reason, attemptsLeft: kind === 'retry' ? attemptsLeft : 0, redirectUrl: kind === 'passed' ? attempt.success_redirect : kind === 'failed' ? attempt.fail_redirect : null }
    : { outcome: task.status_code === 1 ? 'passed' : 'failed', reason: (task.audit_conclusions as ReasonCode | null) ?? null, attemptsLeft: 0, redirectUrl: task.status_code === 1 ? attempt.success_redirect : attempt.fail_redirect };
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('h5_attempts')
      .set({ state: kind === 'retry' ? 'retry' : kind, reason: d.reason, decision: JSON.stringify(outcome), decided_at: now })
      .where('id', '=', attempt.id)
      .execute();
    if (ownsTask && kind !== 'retry') {
      const upd = await trx
        .updateTable('tasks')
        .set({ status_code: d.passed ? 1 : 2, similarity_score: d.similarityScore, audit_conclusions: d.reason, version: task.version + 1, updated_at: now, decided_at: now })
        .where('id', '=', task.id)
        .where('version', '=', task.version)
        .executeTakeFirst();
      if (Number(upd.numUpdatedRows) !== 1) throw new H5Error('CONFLICT', 'the task changed while deciding');
      await trx.updateTable('verify_tokens').set({ state: 'used' }).where('task_id', '=', task.id).where('state', '=', 'active').execute();
      // The captured face becomes the task's FacePic only on a pass: a failed capture must never
      // become the reference for a later attempt on the same ticket.
      if (d.passed && bestFrame) await putMaterial(ctx, task.id, 'FacePic', bestFrame, 'image/jpeg', trx);
    }
    const final = ownsTask && kind !== 'retry';
    const held = await holdForReview(trx, { taskId: task.id, scene, attemptId: attempt.id, passed: d.passed, reason: d.reason, similarityScore: d.similarityScore, final });
    // A held outcome is not final: the reviewer's verdict is called back instead (review.ts).
    if (final && !held) await enqueueDecisionCallback(trx, { taskId: task.id, statusCode: d.passed ? 1 : 2, reason: d.reason, similarityScore: d.similarityScore });
    await recordAudit(trx, {
      taskId: task.id,
      actor: actor(task),
      event: d.passed ? 'h5.passed' : kind === 'failed' ? 'h5.failed' : 'h5.attempt.failed',
      detail: { attemptId: attempt.id, seq: attempt.seq, reason: d.reason, similarityScore: d.similarityScore, attemptsLeft: outcome.attemptsLeft, ...d.metrics, appliedToTask: ownsTask && kind !== 'retry' },
    });
  });
  await dropEvidenceBlobs(ctx, attempt.id);
  return outcome;
}

/** Evidence images are kept only until the decision (data minimisation); rows keep size and digest. */
async function dropEvidenceBlobs(ctx: AppContext, attemptId: string): Promise<void> {
  const rows = await ctx.db.selectFrom('h5_evidence').select(['idx', 'blob_key']).where('attempt_id', '=', attemptId).where('blob_key', 'is not', null).execute();
  await ctx.db.updateTable('h5_evidence').set({ blob_key: null }).where('attempt_id', '=', attemptId).execute();
  for (const r of rows) await ctx.blobs.delete(r.blob_key!).catch(() => undefined);
  const frames = await ctx.db.selectFrom('h5_frames').select(['seq', 'blob_key']).where('attempt_id', '=', attemptId).where('blob_key', 'is not', null).execute();
  await ctx.db.updateTable('h5_frames').set({ blob_key: null }).where('attempt_id', '=', attemptId).execute();
  for (const f of frames) await ctx.blobs.delete(f.blob_key!).catch(() => undefined);
}

/** Attempts are used up with no attempt open to fail: the task fails with the given reason. */
async function finalizeWithoutEvidence(ctx: AppContext, authed: Authed, lastReason: ReasonCode | null, reason: ReasonCode): Promise<void> {
  const task = authed.task;
  const now = Date.now();
  await ctx.db.transaction().execute(async (trx) => {
    const upd = await trx
      .updateTable('tasks')
      .set({ status_code: 2, audit_conclusions: lastReason ?? reason, version: task.version + 1, updated_at: now, decided_at: now })
      .where('id', '=', task.id)
      .where('version', '=', task.version)
      .where('status_code', 'in', [-1, 0])
      .executeTakeFirst();
    if (Number(upd.numUpdatedRows) !== 1) return;
    await trx.updateTable('h5_attempts').set({ state: 'superseded', reason: 'USER_CANCELLED', decided_at: now }).where('task_id', '=', task.id).where('state', '=', 'open').execute();
    await trx.updateTable('verify_tokens').set({ state: 'used' }).where('task_id', '=', task.id).where('state', '=', 'active').execute();
    await recordAudit(trx, { taskId: task.id, actor: actor(task), event: 'h5.failed', detail: { reason: lastReason ?? reason } });
    await enqueueDecisionCallback(trx, { taskId: task.id, statusCode: 2, reason: lastReason ?? reason, similarityScore: task.similarity_score });
  });
}

export { isRetryable };

/**
 * Housekeeping for attempts the page never finished (tab closed, phone locked): once expired
 * they are closed and their evidence images deleted. Meant to run with the retention job
 * (lib/verification/retention.ts). Decided attempts already dropped their images in settle().
 */
export async function purgeAbandonedAttempts(ctx: AppContext, now = Date.now()): Promise<{ attemptsClosed: number; framesDeleted: number }> {
  const stale = await ctx.db.selectFrom('h5_attempts').select(['id', 'task_id']).where('state', 'in', ['open', 'deciding']).where('expires_at', '<', now - CLAIM_STALE_MS).limit(500).execute();
  let framesDeleted = 0;
  for (const a of stale) {
    const upd = await ctx.db.updateTable('h5_attempts').set({ state: 'expired', reason: 'LIVENESS_TIMEOUT', decided_at: now }).where('id', '=', a.id).where('state', 'in', ['open', 'deciding']).executeTakeFirst();
    if (Number(upd.numUpdatedRows) !== 1) continue;
    await recordAudit(ctx.db, { taskId: a.task_id, actor: 'retention', event: 'h5.attempt.expired', detail: { attemptId: a.id } });
  }
  // Any evidence image whose attempt is closed (expired, superseded, aborted) goes.
  const orphans = await ctx.db
    .selectFrom('h5_evidence')
    .innerJoin('h5_attempts', 'h5_attempts.id', 'h5_evidence.attempt_id')
    .select(['h5_evidence.attempt_id', 'h5_evidence.idx', 'h5_evidence.blob_key'])
    .where('h5_evidence.blob_key', 'is not', null)
    .where('h5_attempts.state', 'not in', ['open', 'deciding'])
    .limit(5000)
    .execute();
  for (const o of orphans) {
    // Row first: a crash leaves an orphan encrypted file, never a row pointing at nothing.
    await ctx.db.updateTable('h5_evidence').set({ blob_key: null }).where('attempt_id', '=', o.attempt_id).where('idx', '=', o.idx).execute();
    await ctx.blobs.delete(o.blob_key!).catch(() => undefined);
    framesDeleted++;
  }
  // Streamed frames of closed attempts likewise (the rows stay: digests find replays, facts explain decisions).
  const streamOrphans = await ctx.db
    .selectFrom('h5_frames')
    .innerJoin('h5_attempts', 'h5_attempts.id', 'h5_frames.attempt_id')
    .select(['h5_frames.attempt_id', 'h5_frames.seq', 'h5_frames.blob_key'])
    .where('h5_frames.blob_key', 'is not', null)
    .where('h5_attempts.state', 'not in', ['open', 'deciding'])
    .limit(20000)
    .execute();
  for (const o of streamOrphans) {
    await ctx.db.updateTable('h5_frames').set({ blob_key: null }).where('attempt_id', '=', o.attempt_id).where('seq', '=', o.seq).execute();
    await ctx.blobs.delete(o.blob_key!).catch(() => undefined);
    framesDeleted++;
  }
  return { attemptsClosed: stale.length, framesDeleted };
}
