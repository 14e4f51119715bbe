/** Timestamps are epoch milliseconds everywhere (bigint in PostgreSQL, parsed back to number). */
export interface AccessKeyTable {
  id: string;
  secret_enc: string;
  enabled: number;
  description: string | null;
  created_at: number;
  updated_at: number;
  /** 0007_console: last signed request (throttled), end of a rotation's grace period, the key that replaced it. */
  last_used_at?: number | null;
  expires_at?: number | null;
  rotated_to?: string | null;
}

export interface SceneTable {
  biz: string;
  scheme: string;
  /** JSON of SceneSettings (liveness, securityLevel, maxAttempts, redirectOrigins). */
  settings: string;
  enabled: number;
  created_at: number;
  updated_at: number;
  /** 0005_cloudauth_2019: the numeric SceneId of the 2019-03-07 API (settings.sceneId), unique. */
  scene_id?: number | null;
}

export interface TaskTable {
  id: string;
  biz: string;
  ticket_id: string;
  /** -1 no attempt yet, 0 in progress, 1 passed, 2 failed (Cloudauth StatusCode). */
  status_code: number;
  similarity_score: number | null;
  audit_conclusions: string | null;
  /** Encrypted JSON: Name, IdentificationNumber (personal data is not stored in clear). */
  identity_enc: string | null;
  user_data: string | null;
  attempts: number;
  /** Optimistic-locking counter: every update bumps it so concurrent writers cannot clobber. */
  version: number;
  created_at: number;
  updated_at: number;
  decided_at: number | null;
}

export interface VerifyTokenTable {
  /** SHA-256 of the token: a leaked database does not leak usable tokens. */
  token_hash: string;
  task_id: string;
  state: 'active' | 'superseded' | 'used';
  expires_at: number;
  created_at: number;
}

export interface MaterialTable {
  id: string;
  task_id: string;
  kind: string;
  blob_key: string;
  mime: string;
  size: number;
  sha256: string;
  created_at: number;
}

export interface NonceTable {
  access_key_id: string;
  nonce: string;
  expires_at: number;
}

export interface AuditEventTable {
  id: string;
  task_id: string | null;
  actor: string;
  event: string;
  detail: string | null;
  created_at: number;
}

export interface Database {
  access_keys: AccessKeyTable;
  scenes: SceneTable;
  tasks: TaskTable;
  verify_tokens: VerifyTokenTable;
  materials: MaterialTable;
  nonces: NonceTable;
  audit_events: AuditEventTable;
  h5_attempts: H5AttemptTable;
  h5_evidence: H5EvidenceTable;
  rate_limits: RateLimitTable;
  h5_frames: H5FrameTable;
  h5_challenges: H5ChallengeTable;
  // Console (issue 10, migration 0007_console)
  operators: OperatorTable;
  console_sessions: ConsoleSessionTable;
  reviews: ReviewTable;
  review_evidence: ReviewEvidenceTable;
  flow_events: FlowEventTable;
}

/** One H5 liveness attempt (counted against the scene's maxAttempts when it starts). */
export interface H5AttemptTable {
  id: string;
  task_id: string;
  /** The token that started it: a superseded token cannot finish an attempt. */
  token_hash: string;
  /** 1-based attempt number within the task. */
  seq: number;
  /** open → deciding → passed | failed | retry; open → aborted | expired | superseded. */
  state: string;
  /** JSON array of LivenessAction chosen by the server. */
  challenges: string;
  /** Validated against the scene's redirectOrigins when the attempt started; null when refused. */
  success_redirect: string | null;
  fail_redirect: string | null;
  /** Reason code of a failed / aborted attempt. */
  reason: string | null;
  /** JSON of the stored decision (what finish answers again on a retried request). */
  decision: string | null;
  created_at: number;
  expires_at: number;
  /** When finish() took the attempt to decide it (a crashed decision can be re-claimed later). */
  claimed_at: number | null;
  decided_at: number | null;
  /** JSON: camera label, track settings, measured frame rate, virtual-camera markers (injection signals). */
  signals: string | null;
}

/** One uploaded evidence frame; the JPEG is an encrypted blob (deleted after the decision unless kept as FacePic). */
export interface H5EvidenceTable {
  attempt_id: string;
  idx: number;
  /** 'best' | 'before' | 'peak' | 'after' */
  role: string;
  action: string | null;
  blob_key: string | null;
  size: number;
  sha256: string;
  created_at: number;
  /** For the full-resolution best frame: the streamed frame it claims to be (the server checks). */
  stream_seq: number | null;
}

/** One frame of the live stream (see migration-0003-live-capture.ts). */
export interface H5FrameTable {
  attempt_id: string;
  seq: number;
  /** The page's capture time (its own clock, ms). */
  capture_ts: number;
  /** The server's clock when the frame arrived (ms). */
  arrival_ts: number;
  sha256: string;
  size: number;
  width: number | null;
  height: number | null;
  blob_key: string | null;
  /** JSON StreamFrameFacts measured by the server; null until analysed. */
  facts: string | null;
}

/** A challenge the server issued (one at a time) and when its own analysis saw it done. */
export interface H5ChallengeTable {
  attempt_id: string;
  idx: number;
  action: string;
  issued_at: number;
  seen_at: number | null;
  /** JSON: the seqs of the frames that showed it (before, peak, after). */
  evidence: string | null;
}

/** Issue 9 (FaceID, face_verify): the protocol a task was created through (migration 0006). */
export interface ProtocolTaskTable {
  task_id: string;
  /** 'faceid' | 'face_verify' */
  protocol: string;
  access_key_id: string;
  /** FaceID biz_no / face_verify bizId, as the partner sent it (or generated). */
  external_id: string | null;
  /** HMAC of the normalised ID number (lib/verification/protocol-tasks.ts), for reference lookups. */
  identity_lookup: string | null;
  /** The protocol's own JSON (FaceID: which references were given, the ref2 score once computed). */
  options: string | null;
  created_at: number;
}
export interface Database {
  protocol_tasks: ProtocolTaskTable;
}

/** Issue 11 (hardening): one rate-limit bucket (lib/security/rate-limit.ts). */
export interface RateLimitTable {
  /** e.g. `rpc:<AccessKeyId>`, `h5:<sha256 of the token>`: never a raw token. */
  bucket: string;
  /** GCRA theoretical arrival time, epoch microseconds. */
  tat_us: number;
}

// ---- Console (issue 10, migration 0007_console) ----

export type OperatorRole = 'admin' | 'reviewer' | 'viewer';

export interface OperatorTable {
  id: string;
  username: string;
  role: OperatorRole;
  /** scrypt$N$r$p$salt$hash (lib/console/passwords.ts); null for an OIDC-only operator. */
  password_hash: string | null;
  oidc_subject: string | null;
  enabled: number;
  failed_count: number;
  locked_until: number | null;
  last_sign_in_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface ConsoleSessionTable {
  /** SHA-256 of the cookie value: a leaked database holds no usable session. */
  id_hash: string;
  operator_id: string;
  csrf_token: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
}

export interface ReviewTable {
  task_id: string;
  biz: string;
  /** pending → approved | rejected */
  state: string;
  machine_passed: number;
  machine_reason: string | null;
  machine_score: number | null;
  attempt_id: string | null;
  /** A reviewer holds the record for a lease (lib/verification/review.ts) so no two decide it at once. */
  claimed_by: string | null;
  claimed_at: number | null;
  decided_by: string | null;
  decided_at: number | null;
  decision_reason: string | null;
  created_at: number;
}

/** Evidence frames kept (encrypted) for a pending review instead of being dropped at the decision. */
export interface ReviewEvidenceTable {
  id: string;
  task_id: string;
  attempt_id: string;
  idx: number;
  role: string;
  action: string | null;
  blob_key: string;
  created_at: number;
}

/** One step the verify page reported (no images, no personal data). */
export interface FlowEventTable {
  id: string;
  task_id: string;
  biz: string;
  step: string;
  ms: number | null;
  code: string | null;
  browser: string | null;
  in_app: number;
  created_at: number;
}

// ---- Issue 8 (migration 0005_cloudauth_2019): callbacks ----

/** Where a task's final outcome is called back (lib/verification/callbacks). */
export interface CallbackTargetTable {
  task_id: string;
  /** The protocol whose query parameters the callback carries: 'cloudauth_2019_face' | 'cloudauth_2019_token'. */
  protocol: string;
  /** The key that registered it: its secret signs the callback (X-Cloudauth-Signature). */
  access_key_id: string;
  url: string;
  /** The partner's CallbackToken / CallbackSeed, encrypted (AES-GCM, identity key). */
  secret_enc: string | null;
  created_at: number;
}

/** One decision to deliver (written in the decision's transaction). */
export interface CallbackOutboxTable {
  id: string;
  task_id: string;
  url: string;
  /** JSON of the query parameters (without the partner's token/seed, added at delivery). */
  params: string;
  /** pending → delivered | abandoned */
  state: string;
  attempts: number;
  next_attempt_at: number;
  /** A dispatcher claimed the row until then (one process delivers it at a time). */
  locked_until: number | null;
  last_error: string | null;
  created_at: number;
  delivered_at: number | null;
}
/** The CertifyId of a 2019-03-07 task (its protocol_tasks row says which key created it). */
export interface CertifyIdTable {
  certify_id: string;
  task_id: string;
  created_at: number;
}
export interface Database {
  certify_ids: CertifyIdTable;
  callback_targets: CallbackTargetTable;
  callback_outbox: CallbackOutboxTable;
}
