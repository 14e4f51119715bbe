// Flow analytics from the verify page: which step was reached and how long the previous one took.
// Codes and milliseconds only — no images, no personal data. Kept tiny: it is on the first load.
import type { FlowState } from './machine';

let last = '';
let since = 0;
let challenge: string | null = null;

function send(token: string, events: { step: string; ms?: number; code?: string }[]): void {
  try {
    void fetch('/api/h5/events', { method: 'POST', keepalive: true, credentials: 'omit', headers: { 'content-type': 'application/json', 'x-verify-token': token }, body: JSON.stringify({ events }) }).catch(() => undefined);
  } catch {
    /* analytics never break the flow */
  }
}

/** Called on every state change (verify-flow.tsx); reports each new step once. */
export function trackFlow(token: string, s: FlowState): void {
  const key = s.name === 'challenge' ? `challenge${s.index}` : s.name === 'result' ? `result${s.outcome}${s.reason}` : s.name;
  if (key === last || !token) return;
  const now = performance.now();
  const ms = Math.round(now - since);
  const prev = last;
  last = key;
  since = now;
  const ev: { step: string; ms?: number; code?: string }[] = [];
  if (s.name === 'intro') ev.push({ step: 'opened' });
  else if (s.name === 'permission') ev.push({ step: 'start' });
  else if (s.name === 'loading') ev.push({ step: 'camera_granted', ms });
  else if (s.name === 'align') ev.push({ step: prev === 'loading' ? 'models_loaded' : 'start', ms });
  else if (s.name === 'challenge') {
    if (challenge) ev.push({ step: 'challenge_passed', ms, code: challenge });
    else ev.push({ step: 'aligned', ms });
    challenge = s.action;
    ev.push({ step: 'challenge_started', code: s.action });
  } else if (s.name === 'uploading') {
    if (challenge) ev.push({ step: 'challenge_passed', ms, code: challenge });
    challenge = null;
    ev.push({ step: 'uploading' });
  } else if (s.name === 'result') {
    if (challenge && s.reason === 'LIVENESS_TIMEOUT') ev.push({ step: 'challenge_timed_out', ms, code: challenge });
    challenge = null;
    ev.push({ step: 'decided', ms, code: `${s.outcome}${s.reason ? `:${s.reason}` : ''}`.slice(0, 64) });
  } else if (s.name === 'error') {
    challenge = null;
    ev.push({ step: s.error === 'CAMERA_DENIED' ? 'camera_denied' : s.error.startsWith('CAMERA') || s.error === 'NO_MEDIA_DEVICES' || s.error === 'INSECURE_CONTEXT' ? 'camera_failed' : 'error', code: s.error });
  }
  if (ev.length) send(token, ev);
}
