import crypto from 'node:crypto';
import type { LivenessAction } from '../../store/scenes';

/**
 * The server's random challenge list: `count` distinct actions from the scene's list, in random
 * order (Fisher–Yates with a CSPRNG, so the sequence cannot be predicted from earlier ones).
 */
export function chooseChallenges(actions: readonly LivenessAction[], count: number, randomInt: (max: number) => number = crypto.randomInt): LivenessAction[] {
  const pool = [...new Set(actions)];
  for (let i = pool.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, Math.max(1, Math.min(count, pool.length)));
}

/** Seconds the page gives each challenge: the scene's liveness budget shared by its challenges, at least 8 s. */
export function perChallengeTimeoutSeconds(timeoutSeconds: number, count: number): number {
  return Math.max(8, Math.floor(timeoutSeconds / Math.max(1, count)));
}
