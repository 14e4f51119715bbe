// The verify page's one state machine. Pure: the capture controller sends events, the screens
// render the state. Events that make no sense in the current state are ignored, so a late
// callback from a state already left (a timer, a frame result) cannot move the flow.
import type { AlignPrompt, FlowErrorCode, LivenessActionName } from '../../lib/i18n/messages';
import type { TokenState } from '../../lib/verification/tokens';

export type OutcomeKind = 'passed' | 'failed' | 'retry';

/**
 * What the loading screen is waiting for: the face models (bytes, then compiling), the first
 * analysed frames (warm-up), or the server starting the attempt. Each has its own text, so the
 * screen never sits on an unexplained number.
 */
export type LoadStage = 'models' | 'warmup' | 'starting';

export type FlowState =
  | { name: 'intro' }
  /** The browser's permission prompt may be open: nothing else is claimed until the camera answers (models load meanwhile, silently). */
  | { name: 'permission'; progress: number }
  | { name: 'loading'; progress: number; stage: LoadStage }
  | { name: 'align'; prompt: AlignPrompt; help: boolean; total: number }
  | { name: 'challenge'; index: number; total: number; action: LivenessActionName; done: boolean; secondsLeft: number; prompt: AlignPrompt | null; help: boolean }
  | { name: 'uploading'; progress: number; checking: boolean }
  | { name: 'result'; outcome: OutcomeKind; reason: string | null; attemptsLeft: number; redirectUrl: string | null }
  | { name: 'error'; error: FlowErrorCode }
  | { name: 'token'; state: Exclude<TokenState, 'valid'> };

export type FlowStateName = FlowState['name'];

export type FlowEvent =
  | { type: 'START' }
  | { type: 'CAMERA_READY' }
  | { type: 'LOAD_PROGRESS'; progress: number; stage?: LoadStage }
  | { type: 'READY'; total: number }
  | { type: 'ALIGN'; prompt: AlignPrompt; help: boolean }
  | { type: 'CHALLENGE'; index: number; total: number; action: LivenessActionName; done: boolean; secondsLeft: number; prompt: AlignPrompt | null; help: boolean }
  | { type: 'UPLOAD'; progress: number; checking: boolean }
  | { type: 'DECIDED'; outcome: OutcomeKind; reason: string | null; attemptsLeft: number; redirectUrl: string | null }
  | { type: 'FAIL'; error: FlowErrorCode }
  | { type: 'TOKEN'; state: Exclude<TokenState, 'valid'> }
  /** Try again from a result or an error: the camera has to be asked for again. */
  | { type: 'RETRY' }
  /** Try again with the camera still on (a "retry" result): no permission screen. */
  | { type: 'RESTART' }
  /** The user cancelled before an attempt started: back to the intro, nothing was counted. */
  | { type: 'CANCELLED' };

/** Which states each event may leave from. */
const FROM: Record<FlowEvent['type'], readonly FlowStateName[]> = {
  START: ['intro'],
  CAMERA_READY: ['permission'],
  LOAD_PROGRESS: ['loading', 'permission'],
  READY: ['loading'],
  ALIGN: ['align'],
  CHALLENGE: ['align', 'challenge'],
  UPLOAD: ['challenge', 'uploading'],
  DECIDED: ['challenge', 'uploading', 'align'],
  FAIL: ['intro', 'permission', 'loading', 'align', 'challenge', 'uploading', 'result'],
  TOKEN: ['intro', 'permission', 'loading', 'align', 'challenge', 'uploading', 'result', 'error'],
  RETRY: ['result', 'error'],
  RESTART: ['result'],
  CANCELLED: ['permission', 'loading', 'align', 'challenge'],
};

export const initialState: FlowState = { name: 'intro' };

export function reduce(state: FlowState, event: FlowEvent): FlowState {
  if (!FROM[event.type].includes(state.name)) return state;
  switch (event.type) {
    case 'START':
      return { name: 'permission', progress: 0 };
    case 'CAMERA_READY':
      return { name: 'loading', progress: state.name === 'permission' ? state.progress : 0, stage: 'models' };
    case 'LOAD_PROGRESS': {
      const progress = Math.max(state.name === 'loading' || state.name === 'permission' ? state.progress : 0, event.progress);
      // While the permission prompt is open the page keeps saying so: the progress is kept for later.
      if (state.name === 'permission') return { name: 'permission', progress };
      return { name: 'loading', progress, stage: event.stage ?? (state.name === 'loading' ? state.stage : 'models') };
    }
    case 'READY':
      return { name: 'align', prompt: 'DETECTING', help: false, total: event.total };
    case 'ALIGN':
      return state.name === 'align' && state.prompt === event.prompt && state.help === event.help ? state : { name: 'align', prompt: event.prompt, help: event.help, total: state.name === 'align' ? state.total : 1 };
    case 'CHALLENGE':
      return { name: 'challenge', index: event.index, total: event.total, action: event.action, done: event.done, secondsLeft: event.secondsLeft, prompt: event.prompt, help: event.help };
    case 'UPLOAD':
      return { name: 'uploading', progress: event.progress, checking: event.checking };
    case 'DECIDED':
      return { name: 'result', outcome: event.outcome, reason: event.reason, attemptsLeft: event.attemptsLeft, redirectUrl: event.redirectUrl };
    case 'FAIL':
      return { name: 'error', error: event.error };
    case 'TOKEN':
      return { name: 'token', state: event.state };
    case 'RETRY':
      return { name: 'permission', progress: 0 };
    case 'RESTART':
      return { name: 'loading', progress: 1, stage: 'starting' };
    case 'CANCELLED':
      return { name: 'intro' };
  }
}
