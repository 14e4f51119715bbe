// Small presentational pieces shared by the console pages (server components).
import type { T } from '../../../lib/console/messages';

export function Forbidden({ t }: { t: T }) {
  return (
    <p role="alert" data-forbidden className="rounded-md border border-red-300 bg-red-50 p-4 text-red-900">
      {t('FORBIDDEN')}
    </p>
  );
}

export function StatusBadge({ code, review, t }: { code: number; review?: string | null; t: T }) {
  if (review === 'pending') return <span className="rounded bg-amber-100 px-2 py-0.5 text-amber-900">{t('underReview')}</span>;
  const cls = code === 1 ? 'bg-green-100 text-green-900' : code === 2 ? 'bg-red-100 text-red-900' : 'bg-slate-200 text-slate-800';
  return (
    <span className={`rounded px-2 py-0.5 ${cls}`} data-status={code}>
      {t(`status.${code}`)}
    </span>
  );
}

export const inputCls = 'mt-1 block w-full rounded-md border border-slate-400 bg-white px-2 py-1.5 text-sm';
export const labelCls = 'block text-sm font-medium';

export function Section({ title, children, id }: { title: string; children: React.ReactNode; id?: string }) {
  return (
    <section className="mt-6 min-w-0 rounded-lg border border-slate-200 bg-white p-4" aria-labelledby={id} data-section={id}>
      <h2 id={id} className="mb-3 text-lg font-semibold">
        {title}
      </h2>
      {children}
    </section>
  );
}

export function Json({ value }: { value: unknown }) {
  return <pre tabIndex={0} className="max-w-full overflow-x-auto whitespace-pre-wrap break-all rounded bg-slate-100 p-2 text-xs">{JSON.stringify(value, null, 1)}</pre>;
}

/** The console's list tables: a horizontally scrollable card, a header row, the given body rows. */
export function DataTable({ head, testId, className = 'mt-4', children, after }: { head: React.ReactNode[]; testId?: string; className?: string; children: React.ReactNode; after?: React.ReactNode }) {
  return (
    <div className={`relative ${className} overflow-x-auto rounded-lg border border-slate-200 bg-white`}>
      <table className="w-full text-left text-sm" data-testid={testId}>
        <thead className="bg-slate-100">
          <tr>
            {head.map((h, i) => (
              <th key={i} scope="col" className="px-3 py-2">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
      {after}
    </div>
  );
}
