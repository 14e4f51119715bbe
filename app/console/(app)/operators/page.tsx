import { consolePage, fmtTime } from '../../../../lib/console/page';
import { listOperators, ROLES } from '../../../../lib/console/operators';
import { errorTexts } from '../../../../lib/console/messages';
import { ActionForm } from '../../_components/action-form';
import { DataTable, Forbidden, inputCls, labelCls } from '../../_components/ui';

export const dynamic = 'force-dynamic';

export default async function OperatorsPage() {
  const { ctx, t, locale, allowed, session } = await consolePage('manageOperators');
  if (!allowed) return <Forbidden t={t} />;
  const ops = await listOperators(ctx.db);
  const texts = { errors: errorTexts(t), once: t('passwordOnce'), copy: t('copy'), copied: t('copied') };
  return (
    <>
      <h1 className="text-2xl font-semibold">{t('operators')}</h1>
      <section className="mt-4 max-w-xl rounded-lg border border-slate-200 bg-white p-4" aria-labelledby="new-op">
        <h2 id="new-op" className="mb-2 font-semibold">
          {t('newOperator')}
        </h2>
        <ActionForm endpoint="/console/api/operators" submit={t('create')} texts={texts} testId="operator-form">
          <label className={labelCls}>
            {t('username')}
            <input name="username" required className={inputCls} autoComplete="off" />
          </label>
          <label className={labelCls}>
            {t('role')}
            <select name="role" className={inputCls} defaultValue="reviewer">
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {t(r)}
                </option>
              ))}
            </select>
          </label>
          <label className={labelCls}>
            {t('passwordOptional')}
            <input name="password" type="password" className={inputCls} autoComplete="new-password" data-optional />
          </label>
        </ActionForm>
      </section>
      <DataTable className="mt-4" head={[t('username'), t('role'), t('status'), t('lastSignIn'), <span key="sr" className="sr-only">{t('disable')}</span>]}>
            {ops.map((o) => (
              <tr key={o.id} className="border-t border-slate-100" data-operator={o.username}>
                <td className="px-3 py-2">{o.username}</td>
                <td className="px-3 py-2">{t(o.role)}</td>
                <td className="px-3 py-2">{o.enabled ? t('enabled') : t('disabled')}{o.locked ? ` · ${t('LOCKED')}` : ''}</td>
                <td className="px-3 py-2 whitespace-nowrap">{fmtTime(o.lastSignInAt, locale)}</td>
                <td className="px-3 py-2">
                  {o.id !== session.operator.id && (
                    <ActionForm endpoint={`/console/api/operators/${o.id}`} submit={o.enabled ? t('disable') : t('enable')} texts={texts} className="inline">
                      <input type="hidden" name="enabled" value={o.enabled ? 'false' : 'true'} />
                    </ActionForm>
                  )}
                </td>
              </tr>
            ))}
      </DataTable>
    </>
  );
}
