import type { AppContext } from '../../context';
import type { TaskTable } from '../../store/schema';
import type { LivenessAction, Scene } from '../../store/scenes';
import { getBiometricEngine, type AnalyzedFace, type ImageAnalysis } from '../../biometrics/engine';
import { isImageInputError } from '../../biometrics/errors';
import { countPeople, type FaceFacts, type FrameFacts } from './checks';
import { decide, type Decision } from './decision';
import type { EvidenceRole } from './evidence';
import { livenessThresholdFor, serverScoring } from './scoring';

/** Reference photos in order of preference (Binding fields stored as materials). */
export const REFERENCE_KINDS = ['FacePic', 'IDPic', 'FaceRetainedPic'] as const;

export function faceFacts(a: ImageAnalysis, f: AnalyzedFace): FaceFacts {
  return {
    relativeSize: f.box.width / Math.max(1, Math.min(a.width, a.height)),
    yaw: f.pose.yaw,
    pitch: f.pose.pitch,
    eyeOpen: (f.eyeOpen.left + f.eyeOpen.right) / 2,
    ear: (f.ear.left + f.ear.right) / 2,
    mar: f.mar,
    sharpness: f.sharpness,
    brightness: f.brightness,
    liveness: f.liveness,
    embedding: f.embedding,
  };
}

async function loadReference(ctx: AppContext, taskId: string): Promise<Buffer | null> {
  for (const kind of REFERENCE_KINDS) {
    const row = await ctx.db.selectFrom('materials').select(['blob_key']).where('task_id', '=', taskId).where('kind', '=', kind).orderBy('created_at', 'desc').executeTakeFirst();
    if (row) return ctx.blobs.get(row.blob_key);
  }
  return null;
}

/**
 * Re-verifies an attempt on the server, trusting nothing the page measured: every frame goes
 * through the server's own detector, landmarks, eye model, embedding and (on the near-frontal
 * frames) passive anti-spoof; the reference photo likewise.
 */
export async function verifyEvidence(
  ctx: AppContext,
  task: TaskTable,
  scene: Scene,
  challenges: LivenessAction[],
  evidence: { idx: number; role: string; action: string | null; data: Buffer }[],
): Promise<Decision> {
  const engine = await getBiometricEngine();
  const frames: FrameFacts[] = await Promise.all(
    evidence.map(async (e) => {
      const base = { idx: e.idx, role: e.role as EvidenceRole, action: e.action as LivenessAction | null };
      try {
        const a = await engine.analyze(e.data, { embed: true, liveness: e.role !== 'peak', maxFaces: 3 });
        const main = a.faces[0];
        return { ...base, faceCount: countPeople(a.faces.map((f) => f.box.width)), face: main ? faceFacts(a, main) : undefined };
      } catch (err) {
        // A frame that is not a usable image counts as a frame without a face; engine trouble
        // (busy, crashed, models missing) is the server's problem and must not fail the user.
        if (isImageInputError(err)) return { ...base, faceCount: 0 };
        throw err;
      }
    }),
  );
  const refBytes = await loadReference(ctx, task.id);
  let reference: { face?: FaceFacts } | null = null;
  if (refBytes) {
    try {
      const a = await engine.analyze(refBytes, { embed: true, maxFaces: 1 });
      reference = { face: a.faces[0] ? faceFacts(a, a.faces[0]) : undefined };
    } catch (err) {
      if (!isImageInputError(err)) throw err;
      reference = { face: undefined };
    }
  }
  return decide({
    challenges,
    frames,
    reference,
    securityLevel: scene.settings.securityLevel as 1 | 2 | 3 | 4,
    livenessThreshold: livenessThresholdFor(scene.settings.livenessThreshold),
    scoring: await serverScoring(),
  });
}
