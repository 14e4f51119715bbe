/** Typed failures of the H5 endpoints; the page maps each code to a message (lib/i18n). */
export type H5ErrorCode =
  | 'BAD_REQUEST'
  | 'TOKEN_UNKNOWN'
  | 'TOKEN_EXPIRED'
  | 'TOKEN_SUPERSEDED'
  | 'TOKEN_DECIDED'
  | 'SCENE_UNAVAILABLE'
  | 'ATTEMPTS_EXHAUSTED'
  | 'ATTEMPT_NOT_FOUND'
  | 'ATTEMPT_CLOSED'
  | 'BAD_FRAME_INDEX'
  | 'FRAME_TOO_LARGE'
  | 'NOT_JPEG'
  | 'FRAME_CONFLICT'
  | 'DECISION_PENDING'
  | 'STREAM_NOT_LIVE'
  | 'CONFLICT'
  | 'SERVER_ERROR';

const STATUS: Record<H5ErrorCode, number> = {
  BAD_REQUEST: 400,
  TOKEN_UNKNOWN: 404,
  TOKEN_EXPIRED: 410,
  TOKEN_SUPERSEDED: 410,
  TOKEN_DECIDED: 409,
  SCENE_UNAVAILABLE: 409,
  ATTEMPTS_EXHAUSTED: 409,
  ATTEMPT_NOT_FOUND: 404,
  ATTEMPT_CLOSED: 409,
  BAD_FRAME_INDEX: 400,
  FRAME_TOO_LARGE: 413,
  NOT_JPEG: 415,
  FRAME_CONFLICT: 409,
  DECISION_PENDING: 202,
  STREAM_NOT_LIVE: 409,
  CONFLICT: 409,
  SERVER_ERROR: 500,
};

export class H5Error extends Error {
  readonly status: number;
  constructor(
    readonly code: H5ErrorCode,
    message: string = code,
  ) {
    super(message);
    this.name = 'H5Error';
    this.status = STATUS[code];
  }
}
