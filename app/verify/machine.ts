// The verify page's one state machine. Pure: the capture controller sends events, the screens
// render the state. Events that make no sense in the current state are ignored, so a late
// callback from a state already left (a timer, a frame result) cannot move the flow.
import type { AlignPrompt, FlowErrorCode, LivenessActionName } from '../../lib/i18n/messages';
import type { TokenState } from '../../lib/verification/tokens';

export type OutcomeKind = 'passed' | 'failed' | 'retry';

export type FlowState =
  | { name: 'intro' }
  | { name: 'permission' }
  | { name: 'loading'; progress: number }
  | { name: 'align'; prompt: AlignPrompt; hold: number; help: boolean }
  | { name: 'challenge'; index: number; total: number; action: LivenessActionName; progress: number; secondsLeft: number; prompt: AlignPrompt | null }
  | { name: 'uploading'; progress: number; checking: boolean }
  | { name: 'result'; outcome: OutcomeKind; reason: string | null; attemptsLeft: number; redirectUrl: string | null }
  | { name: 'error'; error: FlowErrorCode }
  | { name: 'token'; state: Exclude<TokenState, 'valid'> };

export type FlowStateName = FlowState['name'];

export type FlowEvent =
  | { type: 'START' }
  | { type: 'CAMERA_READY' }
  | { type: 'LOAD_PROGRESS'; progress: number }
  | { type: 'READY' }
  | { type: 'ALIGN'; prompt: AlignPrompt; hold: number; help: boolean }
  | { type: 'CHALLENGE'; index: number; total: number; action: LivenessActionName; progress: number; secondsLeft: number; prompt: AlignPrompt | null }
  | { type: 'UPLOAD'; progress: number; checking: boolean }
  | { type: 'DECIDED'; outcome: OutcomeKind; reason: string | null; attemptsLeft: number; redirectUrl: string | null }
  | { type: 'FAIL'; error: FlowErrorCode }
  | { type: 'TOKEN'; state: Exclude<TokenState, 'valid'> }
  | { type: 'RETRY' };

/** Which states each event may leave from. */
const FROM: Record<FlowEvent['type'], readonly FlowStateName[]> = {
  START: ['intro'],
  CAMERA_READY: ['permission'],
  LOAD_PROGRESS: ['loading', 'permission'],
  READY: ['loading', 'permission'],
  ALIGN: ['align', 'loading', 'result'],
  CHALLENGE: ['align', 'challenge'],
  UPLOAD: ['challenge', 'uploading'],
  DECIDED: ['challenge', 'uploading', 'align'],
  FAIL: ['intro', 'permission', 'loading', 'align', 'challenge', 'uploading', 'result'],
  TOKEN: ['intro', 'permission', 'loading', 'align', 'challenge', 'uploading', 'result', 'error'],
  RETRY: ['result', 'error'],
};

export const initialState: FlowState = { name: 'intro' };

export function reduce(state: FlowState, event: FlowEvent): FlowState {
  if (!FROM[event.type].includes(state.name)) return state;
  switch (event.type) {
    case 'START':
      return { name: 'permission' };
    case 'CAMERA_READY':
      return { name: 'loading', progress: 0 };
    case 'LOAD_PROGRESS':
      return { name: 'loading', progress: Math.max(state.name === 'loading' ? state.progress : 0, event.progress) };
    case 'READY':
      return { name: 'align', prompt: 'DETECTING', hold: 0, help: false };
    case 'ALIGN':
      return { name: 'align', prompt: event.prompt, hold: event.hold, help: event.help };
    case 'CHALLENGE':
      return { name: 'challenge', index: event.index, total: event.total, action: event.action, progress: event.progress, secondsLeft: event.secondsLeft, prompt: event.prompt };
    case 'UPLOAD':
      return { name: 'uploading', progress: event.progress, checking: event.checking };
    case 'DECIDED':
      return { name: 'result', outcome: event.outcome, reason: event.reason, attemptsLeft: event.attemptsLeft, redirectUrl: event.redirectUrl };
    case 'FAIL':
      return { name: 'error', error: event.error };
    case 'TOKEN':
      return { name: 'token', state: event.state };
    case 'RETRY':
      return { name: 'permission' };
  }
}
