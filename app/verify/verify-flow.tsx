'use client';
// The verify page's core: the state machine's screens. It knows nothing about where the token
// came from (page.tsx passes it in), so the same component could serve an embeddable widget.
// Heavy capture code (camera, worker client, models) is imported only when the user starts.
import { useCallback, useEffect, useReducer, useRef, useState, useSyncExternalStore } from 'react';
import type { Locale } from '../../lib/i18n/locale';
import { CATALOGUES, reasonMessage, type Catalogue, type LivenessActionName } from '../../lib/i18n/messages';
import { initialState, reduce, type FlowEvent, type FlowState } from './machine';
import type { CaptureController } from './capture/controller';
import { cameraPrecheck } from './capture/camera';
import { trackFlow } from './analytics';
import { detectCurrentBrowser, type BrowserInfo } from './in-app';
import './verify.css';

export interface VerifyFlowProps {
  token: string;
  locale: Locale;
  successRedirect?: string;
  failRedirect?: string;
  /** The scene's displayName: who asks for the verification. */
  displayName?: string;
}

const REDIRECT_DELAY_MS = 1500;

const loadController = () => import('./capture/controller');

let browserInfo: BrowserInfo | null = null;
/** The browser does not change while the page is open: detected once. */
const currentBrowser = () => (browserInfo ??= detectCurrentBrowser());
const noSubscription = () => () => undefined;

export function VerifyFlow({ token, locale, successRedirect, failRedirect, displayName }: VerifyFlowProps) {
  const t = CATALOGUES[locale];
  const [state, dispatchRaw] = useReducer(reduce, initialState);
  const videoRef = useRef<HTMLVideoElement>(null);
  const controller = useRef<CaptureController | null>(null);
  const dispatch = useCallback((e: FlowEvent) => dispatchRaw(e), []);
  // Known only in the browser (user agent, capabilities): null during the server render and hydration.
  const browser = useSyncExternalStore(noSubscription, currentBrowser, () => null);

  // The token is a bearer secret: take it out of the address bar (and so out of history,
  // bookmarks and screenshots of the URL) as soon as the page runs.
  useEffect(() => {
    const url = new URL(window.location.href);
    if (url.searchParams.has('token')) {
      url.searchParams.delete('token');
      window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
    }
    const info = currentBrowser();
    // While the user reads the intro: the capture code, then the face models (the worker downloads
    // and compiles them), once the page is interactive and idle, so Start → first analysed frame
    // is short. Not where the camera cannot work at all.
    const idle = (window as { requestIdleCallback?: (cb: () => void, o?: { timeout: number }) => number }).requestIdleCallback ?? ((cb: () => void) => window.setTimeout(cb, 300));
    const warm = () => idle(() => void loadController().then((m) => info.camera !== 'blocked' && m.preloadAnalyzer()), { timeout: 2000 });
    if (document.readyState === 'complete') warm();
    else window.addEventListener('load', warm, { once: true });
    return () => {
      window.removeEventListener('load', warm);
      controller.current?.dispose();
    };
  }, [token]);

  const begin = useCallback(async () => {
    const pre = cameraPrecheck();
    dispatch({ type: 'START' });
    if (pre) return dispatch({ type: 'FAIL', error: pre });
    controller.current?.dispose();
    const { createController } = await loadController();
    controller.current = createController({ token, redirects: { successRedirect, failRedirect }, video: videoRef.current!, dispatch });
    await controller.current.start();
  }, [dispatch, token, successRedirect, failRedirect]);

  const retry = useCallback(async () => {
    if (state.name === 'result' && state.outcome === 'retry' && controller.current) {
      // The camera is still on: straight back to the capture screens, no permission screen.
      dispatch({ type: 'RESTART' });
      await controller.current.retry();
      return;
    }
    dispatch({ type: 'RETRY' });
    const pre = cameraPrecheck();
    if (pre) return dispatch({ type: 'FAIL', error: pre });
    controller.current?.dispose();
    const { createController } = await loadController();
    controller.current = createController({ token, redirects: { successRedirect, failRedirect }, video: videoRef.current!, dispatch });
    await controller.current.start();
  }, [dispatch, state, token, successRedirect, failRedirect]);

  // Redirect only after the server decided, and only to a target the server accepted.
  useEffect(() => {
    if (state.name !== 'result' || !state.redirectUrl) return;
    controller.current?.dispose();
    const url = state.redirectUrl;
    const h = window.setTimeout(() => window.location.assign(url), REDIRECT_DELAY_MS);
    return () => window.clearTimeout(h);
  }, [state]);

  const cancel = useCallback(() => void controller.current?.cancel(), []);

  // Focus follows the flow: the new screen's heading, so a screen reader reads where the user is
  // (not on the first render: the page has just loaded, the browser puts focus where it should).
  const firstRender = useRef(true);
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    document.querySelector<HTMLElement>('main [data-heading]')?.focus({ preventScroll: true });
  }, [state.name]);

  // Flow analytics (steps and timings only; app/verify/analytics.ts).
  useEffect(() => trackFlow(token, state), [token, state]);

  useEffect(() => {
    if (state.name === 'result' && state.outcome !== 'retry') controller.current?.dispose();
    if (state.name === 'error' || state.name === 'token') controller.current?.dispose();
  }, [state]);

  // The sequence of states this page went through, for support and the e2e tests (a state such
  // as permission can last only milliseconds, too short for anyone polling the DOM to see).
  useEffect(() => {
    const w = window as unknown as { __flowHistory?: string[] };
    (w.__flowHistory ??= []).push(state.name);
  }, [state.name]);

  const cameraVisible = state.name === 'permission' || state.name === 'loading' || state.name === 'align' || state.name === 'challenge' || state.name === 'uploading';

  return (
    // Portrait phone first; in landscape the capture screens put the camera beside the text,
    // the card screens stay at a readable width on a desktop and use the whole width of a phone
    // in landscape; short screens (360–430 px tall: the [@media(max-height:480px)] classes)
    // tighten the spacing so the Start button stays on screen.
    <main lang={locale} data-flow-state={state.name} className={`mx-auto flex min-h-dvh w-full max-w-md flex-col px-5 py-6 [@media(max-height:480px)]:py-2 ${cameraVisible ? 'landscape:max-w-3xl' : '[@media(orientation:landscape)_and_(max-height:480px)]:max-w-3xl [@media(orientation:landscape)_and_(min-height:481px)]:max-w-xl'}`}>
      <div className={cameraVisible ? 'flex flex-1 flex-col gap-5 landscape:flex-row landscape:items-center' : 'hidden'}>
        <CameraView videoRef={videoRef} state={state} t={t} />
        <div className="flex-1">{cameraVisible && <CaptureText state={state} t={t} onCancel={cancel} />}</div>
      </div>
      {!cameraVisible && (
        <div className="flex flex-1 flex-col justify-center">
          {state.name === 'intro' && <Intro t={t} onStart={begin} displayName={displayName} browser={browser} continueUrl={continueLink(token, locale, successRedirect, failRedirect)} />}
          {state.name === 'result' && <Result state={state} t={t} onRetry={retry} />}
          {state.name === 'error' && <ErrorScreen code={state.error} t={t} onRetry={retry} browser={browser} continueUrl={continueLink(token, locale, successRedirect, failRedirect)} />}
          {state.name === 'token' && (
            <Card>
              <div role="status" aria-live="polite" data-token-state={state.state}>
                <Heading className="text-xl font-semibold">{t.token[state.state].title}</Heading>
                <p className="mt-3 text-slate-700">{t.token[state.state].body}</p>
              </div>
              <BackButton ui={t.ui} />
            </Card>
          )}
        </div>
      )}
    </main>
  );
}

/** The link to continue on another device: the token goes with it on purpose (only shown when this browser cannot do the check). */
function continueLink(token: string, locale: Locale, successRedirect?: string, failRedirect?: string): string {
  if (typeof window === 'undefined') return '';
  const link = new URL('/verify', window.location.origin);
  link.searchParams.set('token', token);
  if (successRedirect) link.searchParams.set('successRedirect', successRedirect);
  if (failRedirect) link.searchParams.set('failRedirect', failRedirect);
  link.searchParams.set('lang', locale === 'en' ? 'en' : 'zh-CN');
  return link.toString();
}

function Card({ children }: { children: React.ReactNode }) {
  return <div className={`rounded-2xl bg-white p-6 shadow-sm ring-1 ring-slate-200 [@media(max-height:480px)]:px-5 [@media(max-height:480px)]:py-4`}>{children}</div>;
}

/** A screen's heading: focused (programmatically, tabIndex -1) when the flow moves to that screen. */
function Heading({ children, className }: { children: React.ReactNode; className: string }) {
  return (
    <h1 data-heading tabIndex={-1} className={`${className} focus:outline-none`}>
      {children}
    </h1>
  );
}

/** The words of the way out (strings only: the server-rendered link screens pass them too). */
export type WayOutText = Pick<Catalogue['ui'], 'continueTo' | 'backToApp' | 'closeHint'>;

/**
 * The way out of a screen where the flow ends: the partner's page when the server accepted a
 * redirect for this outcome, else "go back". Shared by the result card and the link screens
 * page.tsx renders for an expired, superseded, decided or unknown token.
 */
export function WayOut({ redirectUrl, ui }: { redirectUrl?: string | null; ui: WayOutText }) {
  if (!redirectUrl) return <BackButton ui={ui} />;
  return (
    <a href={redirectUrl} rel="noreferrer" className="mt-4 block w-full rounded-xl bg-blue-700 px-4 py-3 text-center font-semibold text-white focus-visible:outline focus-visible:outline-3 focus-visible:outline-offset-2">
      {ui.continueTo}
    </a>
  );
}

/**
 * "Go back" where there is no redirect: history back to the partner's page when there is one,
 * else the window closes (a tab the app opened) or, when the browser refuses, a hint says to close it.
 */
function BackButton({ ui }: { ui: WayOutText }) {
  const [hint, setHint] = useState(false);
  const back = () => {
    if (window.history.length > 1) window.history.back();
    else window.close();
    window.setTimeout(() => setHint(true), 300);
  };
  return (
    <>
      <Button kind="secondary" onClick={back} testId="back">
        {ui.backToApp}
      </Button>
      {hint && (
        <p className="mt-2 text-center text-sm text-slate-700" role="status" data-close-hint>
          {ui.closeHint}
        </p>
      )}
    </>
  );
}

function Button({ children, onClick, kind = 'primary', testId }: { children: React.ReactNode; onClick: () => void; kind?: 'primary' | 'secondary' | 'quiet'; testId?: string }) {
  const cls =
    kind === 'primary'
      ? 'bg-blue-700 text-white hover:bg-blue-800 focus-visible:outline-blue-700'
      : kind === 'secondary'
        ? 'bg-white text-blue-800 ring-1 ring-blue-700 hover:bg-blue-50 focus-visible:outline-blue-700'
        : 'bg-transparent text-slate-700 underline underline-offset-4 hover:text-slate-900 focus-visible:outline-blue-700';
  return (
    <button type="button" onClick={onClick} data-testid={testId} className={`mt-4 [@media(max-height:480px)]:mt-3 ${kind === 'quiet' ? 'mx-auto block min-h-11 w-auto landscape:mx-0' : 'w-full'} rounded-xl px-4 py-3 text-base font-semibold focus-visible:outline focus-visible:outline-3 focus-visible:outline-offset-2 ${cls}`}>
      {children}
    </button>
  );
}

function Intro({ t, onStart, displayName, browser, continueUrl }: { t: Catalogue; onStart: () => void; displayName?: string; browser: BrowserInfo | null; continueUrl: string }) {
  const kind = browser?.kind ?? null;
  // An in-app browser without the camera API: say so now, and how to go on elsewhere (no Start that can only fail).
  if (kind && browser?.camera === 'blocked') {
    return (
      <Card>
        <div data-inapp={kind} data-camera="blocked">
          <Heading className="text-xl font-semibold">{t.inApp.blockedTitle(t.inApp.names[kind])}</Heading>
          {displayName && <p className="mt-1 text-sm text-slate-700">{t.ui.requestedBy(displayName)}</p>}
          <p className="mt-3 text-slate-800">{t.inApp.blockedBody[kind]}</p>
        </div>
        {continueUrl && <ContinueElsewhere url={continueUrl} t={t} />}
      </Card>
    );
  }
  return (
    <Card>
      <Heading className="text-2xl font-semibold">{t.ui.introTitle}</Heading>
      {displayName && (
        <p className="mt-1 text-sm text-slate-700" data-requested-by>
          {t.ui.requestedBy(displayName)}
        </p>
      )}
      {kind && (
        <p className="mt-3 rounded-lg bg-amber-50 p-3 text-sm text-amber-950 ring-1 ring-amber-200" data-inapp={kind} data-camera={browser?.camera}>
          {t.inApp.maybeNote[kind]}
        </p>
      )}
      <ol className={`mt-4 list-decimal space-y-2 pl-5 text-slate-800 [@media(max-height:480px)]:mt-2 [@media(max-height:480px)]:space-y-1`}>
        {t.ui.introSteps.map((s) => (
          <li key={s}>{s}</li>
        ))}
      </ol>
      <section aria-labelledby="privacy-title" className={`mt-5 rounded-xl bg-slate-100 p-4 text-sm text-slate-800 [@media(max-height:480px)]:mt-3 [@media(max-height:480px)]:py-3`}>
        <h2 id="privacy-title" className="font-semibold">
          {t.ui.privacyTitle}
        </h2>
        <p className="mt-1">{t.ui.privacyBody}</p>
      </section>
      <Button onClick={onStart}>{t.ui.start}</Button>
    </Card>
  );
}

const RING_R = 47;
const RING_C = 2 * Math.PI * RING_R;

/**
 * The ring around the preview means one thing: steps done, out of align plus the challenges. It
 * only ever fills (align done → 1 step, each challenge the server saw → one more, the upload →
 * full); never time, never a hold that resets, never backwards. Loading has its own bar.
 */
export function ringSteps(state: FlowState): { done: number; total: number } {
  if (state.name === 'align') return { done: 0, total: 1 + state.total };
  if (state.name === 'challenge') return { done: 1 + state.index + (state.done ? 1 : 0), total: 1 + state.total };
  if (state.name === 'uploading') return { done: 1, total: 1 };
  return { done: 0, total: 1 };
}

function CameraView({ videoRef, state, t }: { videoRef: React.RefObject<HTMLVideoElement | null>; state: FlowState; t: Catalogue }) {
  const ring = ringSteps(state);
  const p = ring.done / ring.total;
  const ok = (state.name === 'align' && state.prompt === 'HOLD') || state.name === 'challenge';
  return (
    <div className="relative mx-auto aspect-square w-[min(78vw,46dvh,360px)] shrink-0 landscape:w-[min(40vw,70dvh,360px)]">
      {/* Mirrored like a mirror; frames are analysed unmirrored (see challenge-tracker.ts). */}
      <video ref={videoRef} aria-label={t.ui.cameraPreview} muted playsInline className="absolute inset-[6%] h-[88%] w-[88%] -scale-x-100 rounded-full bg-slate-800 object-cover" />
      <svg viewBox="0 0 100 100" className="absolute inset-0 h-full w-full -rotate-90" aria-hidden="true" data-ring={`${ring.done}/${ring.total}`}>
        <circle cx="50" cy="50" r={RING_R} fill="none" stroke="#cbd5e1" strokeWidth="3" />
        <circle cx="50" cy="50" r={RING_R} fill="none" stroke={ok ? '#15803d' : '#1d4ed8'} strokeWidth="3" strokeLinecap="round" strokeDasharray={RING_C} strokeDashoffset={RING_C * (1 - p)} style={{ transition: 'stroke-dashoffset 300ms ease-out' }} />
      </svg>
      {(state.name === 'permission' || state.name === 'loading' || (state.name === 'uploading' && state.checking)) && (
        <div className="absolute inset-0 flex items-center justify-center" aria-hidden="true">
          <div className="vf-spinner h-12 w-12 rounded-full border-4 border-white/40 border-t-white" />
        </div>
      )}
      {state.name === 'challenge' && (
        <div className="absolute bottom-0 right-0 rounded-full bg-white p-1 shadow ring-1 ring-slate-200">
          <ActionIcon action={state.action} />
        </div>
      )}
    </div>
  );
}

function ActionIcon({ action }: { action: LivenessActionName }) {
  // A face that performs the action (mirrored like the preview); stopped under reduced motion.
  const turnFlip = action === 'turn_left' ? 'vf-anim-turn_left' : action === 'turn_right' ? 'vf-anim-turn_right' : `vf-anim-${action}`;
  return (
    <svg viewBox="0 0 64 64" className={`h-16 w-16 ${turnFlip}`} aria-hidden="true">
      <circle cx="32" cy="32" r="28" fill="#fde68a" stroke="#92400e" strokeWidth="2" />
      <g className="vf-features">
        <ellipse className="vf-eye" cx="23" cy="27" rx="3.5" ry="4" fill="#1f2937" />
        <ellipse className="vf-eye" cx="41" cy="27" rx="3.5" ry="4" fill="#1f2937" />
        <ellipse className="vf-mouth" cx="32" cy="43" rx="7" ry={action === 'mouth_open' ? 6 : 2} fill="#7f1d1d" />
      </g>
    </svg>
  );
}

function CaptureText({ state, t, onCancel }: { state: FlowState; t: Catalogue; onCancel: () => void }) {
  let title = '';
  let prompt = '';
  let detail: React.ReactNode = null;
  switch (state.name) {
    case 'permission':
      title = t.ui.permissionTitle;
      prompt = t.ui.permissionBody;
      break;
    case 'loading':
      title = t.ui.loadingTitle;
      prompt = t.ui.loadingStage[state.stage];
      detail = (
        <>
          <Progress value={state.progress} label={t.ui.progress} busy={state.stage !== 'models' || state.progress >= 0.7} />
          {state.stage === 'models' && <p className="mt-1 text-sm text-slate-700">{t.ui.loadingBody}</p>}
        </>
      );
      break;
    case 'align':
      // One message at a time: the prompt is the message; the step's name is for screen readers.
      title = t.ui.alignTitle;
      prompt = t.align[state.prompt];
      if (state.help && t.alignHelp[state.prompt]) {
        detail = (
          <p className="mt-2 text-base text-slate-800" data-align-help={state.prompt}>
            {t.alignHelp[state.prompt]}
          </p>
        );
      }
      break;
    case 'challenge': {
      title = t.ui.challengeTitle(state.index + 1, state.total);
      prompt = state.prompt ? t.align[state.prompt] : t.challenge[state.action];
      // The countdown is a timer screen readers can read at any time; they hear it announced
      // only at 10 s and 5 s left (not every second).
      const milestone = state.secondsLeft > 0 && state.secondsLeft <= 5 ? 5 : state.secondsLeft > 0 && state.secondsLeft <= 10 ? 10 : null;
      detail = (
        <>
          <p role="timer" aria-atomic="true" className="mt-2 text-sm text-slate-700" data-timer>
            {t.ui.timer(state.secondsLeft)}
          </p>
          <span className="sr-only" aria-live="polite" data-timer-announce>
            {milestone ? t.ui.timer(milestone) : ''}
          </span>
          <div aria-live="polite">
            {state.help && (
              <p className="mt-2 text-base text-slate-800" data-challenge-help={state.action}>
                {t.challengeHelp[state.action]}
              </p>
            )}
          </div>
        </>
      );
      break;
    }
    case 'uploading':
      title = t.ui.uploadingTitle;
      prompt = state.checking ? t.ui.checkingBody : t.ui.uploadingBody;
      detail = <Progress value={state.progress} label={t.ui.progress} busy={state.checking} />;
      break;
  }
  const cancellable = state.name === 'permission' || state.name === 'loading' || state.name === 'align' || state.name === 'challenge';
  return (
    <div className="text-center landscape:text-left">
      <Heading className={state.name === 'align' ? 'sr-only' : 'text-lg font-semibold text-slate-700'}>{title}</Heading>
      <p role="status" aria-live="polite" aria-atomic="true" data-live-prompt data-prompt={state.name === 'align' ? state.prompt : state.name === 'challenge' ? (state.prompt ?? state.action) : state.name === 'loading' ? state.stage : undefined} className="mt-2 min-h-[3.5rem] text-2xl font-bold text-slate-900">
        {prompt}
      </p>
      {detail}
      {cancellable && (
        <Button kind="quiet" onClick={onCancel} testId="cancel">
          {t.ui.cancel}
        </Button>
      )}
    </div>
  );
}

/** A bar with the percentage; `busy` adds a moving stripe, so a step without byte counts (compiling, warming up, checking) never looks stalled. */
function Progress({ value, label, busy = false }: { value: number; label: string; busy?: boolean }) {
  const pct = Math.round(value * 100);
  return (
    <div className="mt-3">
      <div role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} className="relative h-2 w-full overflow-hidden rounded-full bg-slate-200" data-busy={busy || undefined}>
        <div className="h-full bg-blue-700" style={{ width: `${pct}%`, transition: 'width 150ms linear' }} />
        {busy && <div className="vf-busy absolute inset-y-0 w-1/4 rounded-full bg-white/50" aria-hidden="true" />}
      </div>
      <p className="mt-1 text-sm text-slate-700">{pct}%</p>
    </div>
  );
}

/** The result's icon as a drawing: "✓" in a CJK font renders as a "√". */
function ResultIcon({ passed }: { passed: boolean }) {
  return (
    <svg viewBox="0 0 24 24" className="h-8 w-8" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="2.5" strokeLinecap="round" strokeLinejoin="round" data-icon={passed ? 'check' : 'alert'}>
      {passed ? (
        <path d="M5 12.5l4.5 4.5L19 7.5" />
      ) : (
        <>
          <path d="M12 6.5v7" />
          <path d="M12 17.5v.01" />
        </>
      )}
    </svg>
  );
}

function Result({ state, t, onRetry }: { state: Extract<FlowState, { name: 'result' }>; t: Catalogue; onRetry: () => void }) {
  const passed = state.outcome === 'passed';
  const title = passed ? t.ui.passedTitle : state.outcome === 'retry' ? t.ui.retryTitle : t.ui.failedTitle;
  return (
    <Card>
      <div role="status" aria-live="polite" data-outcome={state.outcome} data-reason={state.reason ?? ''}>
        <div className={`mx-auto mb-3 flex h-14 w-14 items-center justify-center rounded-full ${passed ? 'bg-green-100 text-green-800' : 'bg-amber-100 text-amber-900'}`}>
          <ResultIcon passed={passed} />
        </div>
        <Heading className="text-center text-xl font-semibold">{title}</Heading>
        <p className="mt-3 text-center text-slate-800">{passed ? t.ui.passedBody : reasonMessage(t, state.reason)}</p>
        {state.outcome === 'retry' && <p className="mt-2 text-center text-slate-800">{t.ui.attemptsLeft(state.attemptsLeft)}</p>}
        {state.outcome === 'failed' && <p className="mt-2 text-center text-slate-800">{t.ui.failedNext}</p>}
        {(state.redirectUrl || passed) && <p className="mt-2 text-center text-slate-700">{state.redirectUrl ? t.ui.redirecting : t.ui.noRedirect}</p>}
      </div>
      {state.outcome === 'retry' && <Button onClick={onRetry}>{t.ui.tryAgain}</Button>}
      {/* No dead end: the partner's page, or without a redirect a way back (and a retry while attempts remain). */}
      <WayOut redirectUrl={state.outcome !== 'retry' ? state.redirectUrl : null} ui={t.ui} />
    </Card>
  );
}

function ErrorScreen({ code, t, onRetry, continueUrl, browser }: { code: keyof Catalogue['errors']; t: Catalogue; onRetry: () => void; continueUrl: string; browser: BrowserInfo | null }) {
  const m = t.errors[code];
  const kind = browser?.kind ?? null;
  const canRetry = code !== 'NO_MEDIA_DEVICES' && code !== 'INSECURE_CONTEXT' && code !== 'CAMERA_NOT_FOUND' && code !== 'ATTEMPTS_EXHAUSTED';
  // Inside an in-app browser the camera help is that app's own (no address bar, no site settings), with a way out.
  const inAppCamera = !!kind && (code === 'CAMERA_DENIED' || code === 'CAMERA_FAILED' || code === 'CAMERA_BUSY');
  const elsewhere = code === 'NO_MEDIA_DEVICES' || code === 'CAMERA_NOT_FOUND' || code === 'INSECURE_CONTEXT' || inAppCamera;
  const body = kind && code === 'CAMERA_DENIED' ? t.inApp.deniedBody[kind] : m.body;
  return (
    <Card>
      <div role="alert" data-error={code} data-error-help={kind && code === 'CAMERA_DENIED' ? kind : undefined}>
        <Heading className="text-xl font-semibold">{m.title}</Heading>
        <p className="mt-3 text-slate-800">{body}</p>
      </div>
      {canRetry && <Button onClick={onRetry}>{t.ui.retry}</Button>}
      {elsewhere && continueUrl && <ContinueElsewhere url={continueUrl} t={t} />}
      {!canRetry && <BackButton ui={t.ui} />}
    </Card>
  );
}

function ContinueElsewhere({ url, t }: { url: string; t: Catalogue }) {
  const [svg, setSvg] = useState('');
  const [copied, setCopied] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    let live = true;
    void import('qrcode').then((q) => q.toString(url, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' })).then((s) => live && setSvg(s));
    return () => {
      live = false;
    };
  }, [url]);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(url);
    } catch {
      // Webviews often lack the clipboard API: select the text so the user can copy it.
      input.current?.select();
      document.execCommand?.('copy');
    }
    setCopied(true);
  };
  return (
    <div className="mt-4">
      <input ref={input} readOnly value={url} aria-label={t.ui.copyLink} className="w-full truncate rounded-lg border border-slate-300 px-3 py-2 text-sm text-slate-800" onFocus={(e) => e.currentTarget.select()} />
      <Button kind="secondary" onClick={copy}>
        {copied ? t.ui.copied : t.ui.copyLink}
      </Button>
      <p className="mt-4 text-sm text-slate-700">{t.ui.qrCaption}</p>
      {/* The SVG comes from the qrcode library (paths only, no script). */}
      <div className="mx-auto mt-2 w-44" data-qr dangerouslySetInnerHTML={{ __html: svg }} />
    </div>
  );
}
