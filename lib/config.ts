import path from 'node:path';
import { z } from 'zod';

/** Every setting the service reads. Each is documented in README.md with its default. */
const schema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  PUBLIC_URL: z.string().url().optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z.string().optional(),
  CLOUDAUTH_MASTER_KEY: z.string().optional(),
  CLOUDAUTH_PROVISION: z.string().optional(),
  CLOUDAUTH_FETCH_ALLOWLIST: z.string().default(''),
  CLOUDAUTH_FETCH_TIMEOUT_MS: z.coerce.number().int().positive().default(5000),
  CLOUDAUTH_FETCH_PRIVATE_NETWORKS: z.string().default(''),
  CLOUDAUTH_DEMO: z.enum(['0', '1']).default('1'),
  CLOUDAUTH_HOST_ID: z.string().default('cloudauth.aliyuncs.com'),
  CLOUDAUTH_REGION_IDS: z.string().default('cn-hangzhou'),
  CLOUDAUTH_RETENTION_DAYS: z.coerce.number().min(0).max(3650).default(30),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface AppConfig {
  port: number;
  publicUrl: string;
  dataDir: string;
  databaseUrl: string | undefined;
  masterKey: string | undefined;
  provisionFile: string | undefined;
  fetchAllowlist: string[];
  fetchTimeoutMs: number;
  /** CIDRs an allowed image host may resolve into although they are loopback/private. */
  fetchPrivateNetworks: string[];
  createDemo: boolean;
  hostId: string;
  /** Days after a task's last change before its images are deleted. */
  retentionDays: number;
  /** RegionId values the 2018-09-16 actions accept (the seed documents cn-hangzhou only). */
  regionIds: string[];
}

const listOr = (raw: string, fallback: string[]) => {
  const items = raw.split(',').map((r) => r.trim()).filter(Boolean);
  return items.length ? items : fallback;
};

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid configuration: ${issues}`);
  }
  const e = parsed.data;
  const databaseUrl = e.DATABASE_URL?.trim() || undefined;
  return {
    port: e.PORT,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    dataDir: path.resolve(e.DATA_DIR),
    databaseUrl,
    masterKey: e.CLOUDAUTH_MASTER_KEY?.trim() || undefined,
    provisionFile: e.CLOUDAUTH_PROVISION?.trim() || undefined,
    fetchAllowlist: e.CLOUDAUTH_FETCH_ALLOWLIST.split(',').map((h) => h.trim().toLowerCase()).filter(Boolean),
    fetchTimeoutMs: e.CLOUDAUTH_FETCH_TIMEOUT_MS,
    fetchPrivateNetworks: e.CLOUDAUTH_FETCH_PRIVATE_NETWORKS.split(',').map((c) => c.trim()).filter(Boolean),
    createDemo: e.CLOUDAUTH_DEMO === '1',
    hostId: e.CLOUDAUTH_HOST_ID,
    retentionDays: e.CLOUDAUTH_RETENTION_DAYS,
    regionIds: listOr(e.CLOUDAUTH_REGION_IDS, ['cn-hangzhou']),
  };
}
