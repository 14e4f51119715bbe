import Link from 'next/link';
import { consolePage } from '../../../../lib/console/page';
import { provisionedScenes } from '../../../../lib/console/scenes';
import { errorTexts } from '../../../../lib/console/messages';
import { listScenes } from '../../../../lib/store/scenes';
import { reviewMode } from '../../../../lib/verification/review';
import { ActionForm } from '../../_components/action-form';
import { DataTable, Forbidden } from '../../_components/ui';

export const dynamic = 'force-dynamic';

export default async function ScenesPage() {
  const { ctx, t, allowed } = await consolePage('manageScenes');
  if (!allowed) return <Forbidden t={t} />;
  const scenes = await listScenes(ctx.db);
  const provisioned = provisionedScenes(ctx);
  const errors = errorTexts(t);
  return (
    <>
      <div className="flex flex-wrap items-center gap-4">
        <h1 className="text-2xl font-semibold">{t('scenes')}</h1>
        <Link href="/console/scenes/new" className="rounded-md bg-slate-800 px-3 py-2 text-sm font-medium text-white">
          {t('newScene')}
        </Link>
      </div>
      <p className="mt-2 text-sm text-slate-700">{t('provisioningWins')}</p>
      <DataTable className="mt-4" testId="scenes" head={['Biz', t('scheme'), t('actions'), t('reviewMode'), t('status'), <span key="sr" className="sr-only">{t('enable')}</span>]}>
            {scenes.map((s) => (
              <tr key={s.biz} className="border-t border-slate-100" data-biz={s.biz}>
                <td className="px-3 py-2">
                  <Link href={`/console/scenes/${encodeURIComponent(s.biz)}`} className="font-mono text-blue-800 underline">
                    {s.biz}
                  </Link>
                  {provisioned.has(s.biz) && <span className="ml-2 rounded bg-slate-200 px-1 text-xs">CLOUDAUTH_PROVISION</span>}
                </td>
                <td className="px-3 py-2">{s.scheme}</td>
                <td className="px-3 py-2">
                  {s.settings.liveness.count} / {s.settings.liveness.actions.join(', ')}
                </td>
                <td className="px-3 py-2">{t(`review.${reviewMode(s)}`)}</td>
                <td className="px-3 py-2">{s.enabled ? t('enabled') : t('disabled')}</td>
                <td className="px-3 py-2">
                  <ActionForm endpoint={`/console/api/scenes/${encodeURIComponent(s.biz)}/enabled`} submit={s.enabled ? t('disable') : t('enable')} texts={{ errors }} className="inline">
                    <input type="hidden" name="enabled" value={s.enabled ? 'false' : 'true'} />
                  </ActionForm>
                </td>
              </tr>
            ))}
      </DataTable>
    </>
  );
}
