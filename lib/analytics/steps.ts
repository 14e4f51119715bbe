/** The steps the verify page reports (app/verify/analytics.ts), in funnel order. Isomorphic: no imports. */
export const FLOW_STEPS = ['opened', 'start', 'camera_granted', 'camera_denied', 'camera_failed', 'models_loaded', 'aligned', 'challenge_started', 'challenge_passed', 'challenge_timed_out', 'uploading', 'decided', 'error'] as const;
export type FlowStep = (typeof FLOW_STEPS)[number];

/** The funnel: each a step a verification reaches on its way to a decision. */
export const FUNNEL_STEPS = ['opened', 'start', 'camera_granted', 'models_loaded', 'aligned', 'challenge_started', 'uploading', 'decided'] as const satisfies readonly FlowStep[];
