import { notFound } from 'next/navigation';
import { consolePage } from '../../../../../lib/console/page';
import { provisionedScenes } from '../../../../../lib/console/scenes';
import { errorTexts } from '../../../../../lib/console/messages';
import { getScene, LIVENESS_ACTIONS, sceneInputSchema, sceneSettingsSchema } from '../../../../../lib/store/scenes';
import { ActionForm } from '../../../_components/action-form';
import { Forbidden, inputCls, labelCls } from '../../../_components/ui';

export const dynamic = 'force-dynamic';

const SCHEMES = sceneInputSchema.shape.scheme.unwrap().options;

/** Create (/console/scenes/new) or edit a scene: every field of the provisioning file's scene schema. */
export default async function ScenePage({ params }: { params: Promise<{ biz: string }> }) {
  const { ctx, t, allowed } = await consolePage('manageScenes');
  if (!allowed) return <Forbidden t={t} />;
  const biz = decodeURIComponent((await params).biz);
  const isNew = biz === 'new';
  const scene = isNew ? null : await getScene(ctx.db, biz);
  if (!isNew && !scene) notFound();
  const s = scene?.settings ?? sceneSettingsSchema.parse({});
  const extra = s as Record<string, unknown>;
  return (
    <>
      <h1 className="text-2xl font-semibold">{isNew ? t('newScene') : `${t('editScene')} ${biz}`}</h1>
      {!isNew && provisionedScenes(ctx).has(biz) && <p className="mt-2 rounded bg-amber-50 p-2 text-sm text-amber-950">{t('provisioningWins')}</p>}
      <ActionForm endpoint="/console/api/scenes" submit={t('save')} texts={{ errors: errorTexts(t) }} after="navigate" navigateTo="/console/scenes" className="mt-4 grid max-w-2xl gap-4 rounded-lg border border-slate-200 bg-white p-4" testId="scene-form">
        <label className={labelCls}>
          {t('biz')}
          {isNew ? <input name="biz" required className={inputCls} /> : <input name="biz" value={biz} readOnly className={`${inputCls} bg-slate-100`} />}
        </label>
        <label className={labelCls}>
          {t('scheme')}
          <select name="scheme" defaultValue={scene?.scheme ?? 'RPH5BioOnly'} className={inputCls}>
            {SCHEMES.map((x) => (
              <option key={x}>{x}</option>
            ))}
          </select>
        </label>
        <label className={labelCls}>
          {t('displayName')}
          <input name="displayName" maxLength={64} defaultValue={s.displayName ?? ''} className={inputCls} data-optional />
        </label>
        <fieldset>
          <legend className={labelCls}>{t('actions')}</legend>
          <div className="mt-1 flex flex-wrap gap-3">
            {LIVENESS_ACTIONS.map((a) => (
              <label key={a} className="text-sm">
                <input type="checkbox" name="liveness.actions[]" value={a} defaultChecked={s.liveness.actions.includes(a)} /> {a}
              </label>
            ))}
          </div>
        </fieldset>
        <div className="grid grid-cols-2 gap-4">
          <label className={labelCls}>
            {t('count')}
            <input type="number" name="liveness.count" min={1} max={5} defaultValue={s.liveness.count} className={inputCls} />
          </label>
          <label className={labelCls}>
            {t('timeoutSeconds')}
            <input type="number" name="liveness.timeoutSeconds" min={5} max={600} defaultValue={s.liveness.timeoutSeconds} className={inputCls} />
          </label>
          <label className={labelCls}>
            {t('securityLevel')}
            <input type="number" name="securityLevel" min={1} max={4} defaultValue={s.securityLevel} className={inputCls} />
          </label>
          <label className={labelCls}>
            {t('maxAttempts')}
            <input type="number" name="maxAttempts" min={1} max={20} defaultValue={s.maxAttempts} className={inputCls} />
          </label>
          <label className={labelCls}>
            {t('livenessThreshold')}
            <input type="number" name="livenessThreshold" min={0} max={1} step={0.01} defaultValue={s.livenessThreshold ?? ''} className={inputCls} />
          </label>
          <label className={labelCls}>
            {t('reviewMode')}
            <select name="review" defaultValue={s.review ?? ''} className={inputCls} data-optional>
              <option value="">{t('review.off')} / RPManual: {t('review.always')}</option>
              <option value="off">{t('review.off')}</option>
              <option value="on_fail">{t('review.on_fail')}</option>
              <option value="always">{t('review.always')}</option>
            </select>
          </label>
        </div>
        <label className={labelCls}>
          {t('redirectOrigins')}
          <textarea name="redirectOrigins[]" data-lines rows={3} defaultValue={s.redirectOrigins.join('\n')} className={`${inputCls} font-mono`} />
        </label>
        <label className={labelCls}>
          {t('callbackOrigins')}
          <textarea name="callbackOrigins[]" data-lines rows={2} defaultValue={(s.callbackOrigins ?? []).join('\n')} className={`${inputCls} font-mono`} />
        </label>
        <label className={labelCls}>
          {t('sceneId')}
          <input type="number" name="sceneId" min={1} step={1} defaultValue={s.sceneId ?? ''} className={inputCls} />
        </label>
        {/* Settings other issues add to the schema (retention…) are kept as they are. */}
        {Object.entries(extra)
          .filter(([k]) => !['liveness', 'securityLevel', 'maxAttempts', 'redirectOrigins', 'livenessThreshold', 'review', 'callbackOrigins', 'sceneId', 'displayName'].includes(k))
          .map(([k, v]) => (
            <label key={k} className={labelCls}>
              {k} (JSON)
              <input name={k} defaultValue={JSON.stringify(v)} className={`${inputCls} font-mono`} data-json />
            </label>
          ))}
        <label className="text-sm">
          <input type="checkbox" name="enabled" data-bool defaultChecked={scene?.enabled ?? true} /> {t('enabled')}
        </label>
      </ActionForm>
    </>
  );
}
