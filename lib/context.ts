import path from 'node:path';
import { type AppConfig, loadConfig } from './config';
import { log } from './log';
import { type Db, type DbKind, openDatabase } from './store/database';
import { BlobStore } from './store/blob-store';
import { AccessKeyResolver } from './store/access-keys';
import { deriveKey, resolveMasterKey } from './security/master-key';
import { applyProvisioning } from './provisioning';
import { ensureFirstAdmin } from './console/operators';

export interface AppContext {
  config: AppConfig;
  db: Db;
  dbKind: DbKind;
  dbWhere: string;
  blobs: BlobStore;
  accessKeys: AccessKeyResolver;
  keys: { secrets: Buffer; identity: Buffer; urlSigning: Buffer; consoleOidc: Buffer };
  close(): Promise<void>;
}

export async function createAppContext(config: AppConfig = loadConfig()): Promise<AppContext> {
  const master = resolveMasterKey(config.masterKey, config.dataDir);
  const keys = { secrets: deriveKey(master, 'access-key-secrets'), identity: deriveKey(master, 'identity'), urlSigning: deriveKey(master, 'url-signing'), consoleOidc: deriveKey(master, 'console-oidc') };
  const { db, kind, where } = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  return {
    config,
    db,
    dbKind: kind,
    dbWhere: where,
    blobs: new BlobStore(path.join(config.dataDir, 'blobs'), deriveKey(master, 'blobs')),
    accessKeys: new AccessKeyResolver(db, keys.secrets),
    keys,
    close: () => db.destroy(),
  };
}

// Next.js may bundle route handlers separately; globalThis keeps one context per process.
const g = globalThis as unknown as { __cloudauthContext?: Promise<AppContext> };

/** The process-wide context: opened, migrated and provisioned once, on first use. */
export function getAppContext(): Promise<AppContext> {
  if (!g.__cloudauthContext) {
    g.__cloudauthContext = (async () => {
      const ctx = await createAppContext();
      await applyProvisioning(ctx);
      await ensureFirstAdmin(ctx);
      return ctx;
    })();
    g.__cloudauthContext.catch((err: unknown) => {
      log.fatal({ err: (err as Error).message }, 'service failed to start');
      g.__cloudauthContext = undefined;
    });
  }
  return g.__cloudauthContext;
}
