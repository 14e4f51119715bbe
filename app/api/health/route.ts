import { getAppContext } from '../../../lib/context';
import { sql } from 'kysely';

export const dynamic = 'force-dynamic';

/** Liveness/readiness probe: answers 200 once the database is open, migrated and provisioned. */
export async function GET() {
  try {
    const ctx = await getAppContext();
    await sql`select 1`.execute(ctx.db);
    return Response.json({ status: 'ok', database: ctx.dbKind });
  } catch {
    return Response.json({ status: 'unavailable' }, { status: 503 });
  }
}
