/** Runs once when the server starts: open and migrate the database, apply provisioning, print the demo key. */
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { getAppContext } = await import('./lib/context');
  const { log } = await import('./lib/log');
  const { scheduleRetention } = await import('./lib/verification/retention');
  const ctx = await getAppContext();
  scheduleRetention(ctx);
  const { scheduleCallbackDispatcher } = await import('./lib/verification/callbacks/dispatcher');
  scheduleCallbackDispatcher(ctx);
  // Start the face-analysis workers now, so the first request does not wait ~1 s for them.
  const { getBiometricEngine } = await import('./lib/biometrics');
  void getBiometricEngine().catch((err: unknown) => log.error({ err: (err as Error).message }, 'face engine failed to start'));
  log.info({ database: ctx.dbKind, where: ctx.dbWhere, publicUrl: ctx.config.publicUrl }, 'open-cloudauth ready');
}
