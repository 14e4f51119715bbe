// `npm run cloudauth -- <resource> <command> [--options]`: manage scenes and AccessKeys, printing JSON.
// Uses the same configuration (DATA_DIR, DATABASE_URL, CLOUDAUTH_MASTER_KEY) as the server.
import crypto from 'node:crypto';
import { parseArgs } from 'node:util';
import { createAppContext } from '../lib/context';
import { listAccessKeys, setAccessKeyEnabled, upsertAccessKey } from '../lib/store/access-keys';
import { getScene, LIVENESS_ACTIONS, listScenes, setSceneEnabled, upsertScene } from '../lib/store/scenes';
import { recordAudit } from '../lib/store/audit';
import { applyRetention } from '../lib/verification/retention';
import { createOperator, listOperators, ROLES } from '../lib/console/operators';

const USAGE = `Usage: npm run cloudauth -- <resource> <command> [options]

  keys list
  keys create [--id ID] [--secret SECRET] [--description TEXT]   prints the secret once
  keys disable --id ID  |  keys enable --id ID
  scenes list
  scenes create --biz BIZ [--scheme RPH5BioOnly] [--actions ${LIVENESS_ACTIONS.join(',')}]
                [--count 2] [--timeout 60] [--security-level 2] [--max-attempts 3]
                [--redirect-origin https://partner.example ...]
  scenes disable --biz BIZ  |  scenes enable --biz BIZ
  operator create --username NAME [--role admin|reviewer|viewer] [--password P]   prints the password once
  operator list
  retention run          delete images of tasks older than CLOUDAUTH_RETENTION_DAYS now`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      id: { type: 'string' }, secret: { type: 'string' }, description: { type: 'string' },
      biz: { type: 'string' }, scheme: { type: 'string' }, actions: { type: 'string' }, count: { type: 'string' },
      timeout: { type: 'string' }, 'security-level': { type: 'string' }, 'max-attempts': { type: 'string' },
      'redirect-origin': { type: 'string', multiple: true }, username: { type: 'string' }, role: { type: 'string' }, password: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
  });
  const [resource, command] = positionals;
  if (values.help || !resource || !command) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const ctx = await createAppContext();
  const print = (v: unknown) => console.log(JSON.stringify(v, null, 2));
  const need = (v: string | undefined, flag: string) => {
    if (!v) throw new Error(`--${flag} is required`);
    return v;
  };
  try {
    switch (`${resource} ${command}`) {
      case 'keys list':
        print(await listAccessKeys(ctx.db));
        break;
      case 'keys create': {
        const id = values.id ?? `LTAI${crypto.randomBytes(10).toString('hex')}`;
        const secret = values.secret ?? crypto.randomBytes(18).toString('base64url');
        await upsertAccessKey(ctx.db, ctx.keys.secrets, { id, secret, description: values.description ?? null });
        await recordAudit(ctx.db, { actor: 'cli', event: 'access_key.created', detail: { id } });
        print({ id, secret, enabled: true });
        break;
      }
      case 'keys disable':
      case 'keys enable': {
        const id = need(values.id, 'id');
        const enabled = command === 'enable';
        if (!(await setAccessKeyEnabled(ctx.db, id, enabled))) throw new Error(`no AccessKey ${id}`);
        await recordAudit(ctx.db, { actor: 'cli', event: `access_key.${command}d`, detail: { id } });
        print({ id, enabled });
        break;
      }
      case 'scenes list':
        print(await listScenes(ctx.db));
        break;
      case 'scenes create': {
        const biz = need(values.biz, 'biz');
        const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
        const liveness = { actions: values.actions?.split(',').map((a) => a.trim()) ?? [...LIVENESS_ACTIONS], count: num(values.count) ?? 2, timeoutSeconds: num(values.timeout) ?? 60 };
        const scene = await upsertScene(ctx.db, {
          biz,
          scheme: (values.scheme ?? 'RPH5BioOnly') as 'RPH5BioOnly',
          liveness: liveness as never,
          securityLevel: num(values['security-level']),
          maxAttempts: num(values['max-attempts']),
          redirectOrigins: values['redirect-origin'] ?? [],
        });
        await recordAudit(ctx.db, { actor: 'cli', event: 'scene.upserted', detail: { biz } });
        print(scene);
        break;
      }
      case 'scenes disable':
      case 'scenes enable': {
        const biz = need(values.biz, 'biz');
        if (!(await setSceneEnabled(ctx.db, biz, command === 'enable'))) throw new Error(`no scene ${biz}`);
        await recordAudit(ctx.db, { actor: 'cli', event: `scene.${command}d`, detail: { biz } });
        print(await getScene(ctx.db, biz));
        break;
      }
      case 'operator create': {
        const role = (values.role ?? 'admin') as (typeof ROLES)[number];
        const { operator, password } = await createOperator(ctx.db, { username: need(values.username, 'username'), role, password: values.password }, 'cli');
        print({ username: operator.username, role: operator.role, password: values.password ? '(as given)' : password, console: `${ctx.config.publicUrl}/console` });
        break;
      }
      case 'operator list':
        print(await listOperators(ctx.db));
        break;
      case 'retention run':
        print(await applyRetention(ctx));
        break;
      default:
        console.error(`Unknown command "${resource} ${command}".\n\n${USAGE}`);
        return 2;
    }
    return 0;
  } finally {
    await ctx.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    const msg = err && typeof err === 'object' && 'issues' in err ? JSON.stringify((err as { issues: unknown }).issues) : (err as Error).message;
    console.error(`error: ${msg}`);
    process.exit(1);
  },
);
