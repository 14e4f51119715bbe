import { consolePage, fmtTime } from '../../../../lib/console/page';
import { listKeys } from '../../../../lib/console/keys';
import { errorTexts } from '../../../../lib/console/messages';
import { ActionForm } from '../../_components/action-form';
import { DataTable, Forbidden, inputCls, labelCls } from '../../_components/ui';

export const dynamic = 'force-dynamic';

export default async function KeysPage() {
  const { ctx, t, locale, allowed } = await consolePage('manageKeys');
  if (!allowed) return <Forbidden t={t} />;
  const keys = await listKeys(ctx.db);
  const texts = { errors: errorTexts(t), once: t('secretOnce'), copy: t('copy'), copied: t('copied') };
  return (
    <>
      <h1 className="text-2xl font-semibold">{t('keys')}</h1>
      <section className="mt-4 max-w-xl rounded-lg border border-slate-200 bg-white p-4" aria-labelledby="new-key">
        <h2 id="new-key" className="mb-2 font-semibold">
          {t('newKey')}
        </h2>
        <ActionForm endpoint="/console/api/keys" submit={t('create')} texts={texts} testId="key-form">
          <label className={labelCls}>
            {t('description')}
            <input name="description" className={inputCls} data-optional />
          </label>
        </ActionForm>
      </section>
      <p className="mt-4 text-sm text-slate-700">{t('rotateHelp')}</p>
      <DataTable className="mt-2" testId="keys" head={['AccessKeyId', t('description'), t('status'), t('lastUsed'), t('expires'), <span key="sr" className="sr-only">{t('rotate')}</span>]}>
            {keys.map((k) => {
              // A rotated key past its grace period is refused whatever its flag: say so, offer nothing.
              const expired = k.expired;
              return (
              <tr key={k.id} className="border-t border-slate-100 align-top" data-key={k.id} data-expired={expired || undefined}>
                <td className="px-3 py-2 font-mono">{k.id}</td>
                <td className="px-3 py-2">{k.description ?? ''}</td>
                <td className="px-3 py-2">{expired ? t('expiredKey') : k.enabled ? t('enabled') : t('disabled')}</td>
                <td className="px-3 py-2 whitespace-nowrap" data-last-used={k.lastUsedAt ?? ''}>{k.lastUsedAt ? fmtTime(k.lastUsedAt, locale) : t('never')}</td>
                <td className="px-3 py-2 whitespace-nowrap">{k.expiresAt ? `${fmtTime(k.expiresAt, locale)} → ${k.rotatedTo}` : '—'}</td>
                <td className="flex flex-wrap gap-2 px-3 py-2">
                  {!expired && (
                    <ActionForm endpoint={`/console/api/keys/${k.id}/enabled`} submit={k.enabled ? t('disable') : t('enable')} texts={texts} className="inline">
                      <input type="hidden" name="enabled" value={k.enabled ? 'false' : 'true'} />
                    </ActionForm>
                  )}
                  {k.enabled && !k.expiresAt && <ActionForm endpoint={`/console/api/keys/${k.id}/rotate`} submit={t('rotate')} texts={texts} className="inline" />}
                </td>
              </tr>
              );
            })}
      </DataTable>
    </>
  );
}
