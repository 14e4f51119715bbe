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
}
