/** Timestamps are epoch milliseconds everywhere (bigint in PostgreSQL, parsed back to number). */
export interface AccessKeyTable {
  id: string;
  secret_enc: string;
  enabled: number;
  description: string | null;
  created_at: number;
  updated_at: number;
}

export interface SceneTable {
  biz: string;
  scheme: string;
  /** JSON of SceneSettings (liveness, securityLevel, maxAttempts, redirectOrigins). */
  settings: string;
  enabled: number;
  created_at: number;
  updated_at: number;
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
}

/** Issue 11 (hardening): one rate-limit bucket (lib/security/rate-limit.ts). */
export interface RateLimitTable {
  /** e.g. `rpc:<AccessKeyId>`, `h5:<sha256 of the token>`: never a raw token. */
  bucket: string;
  /** GCRA theoretical arrival time, epoch microseconds. */
  tat_us: number;
}
