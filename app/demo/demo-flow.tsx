'use client';
// The demo partner: a reference selfie (camera or upload) → GetVerifyToken through the real API →
// the real verify page → back to /demo/result, which shows what the partner's server receives.
import { useEffect, useRef, useState } from 'react';
import type { Locale } from '../../lib/i18n/locale';

const TEXT = {
  en: { title: 'Try a verification', intro: 'This page plays the partner. 1: take a reference selfie (or upload a photo) — it is bound to the verification as FacePic, as a partner would. 2: the real verification page checks that you are live and the same person. 3: you see what GetStatus and GetMaterials return to the partner.', camera: 'Use the camera', take: 'Take the reference photo', upload: 'Or upload a photo', start: 'Start the verification', again: 'Retake', cameraFailed: 'The camera could not start: upload a photo instead.', failed: 'Could not start:' },
  'zh-CN': { title: '体验一次实人认证', intro: '本页扮演合作方：1. 拍一张参考自拍（或上传照片），像合作方一样作为 FacePic 绑定；2. 真实的认证页检查您是真人且为同一人；3. 查看 GetStatus 和 GetMaterials 返回给合作方的内容。', camera: '使用摄像头', take: '拍摄参考照片', upload: '或上传照片', start: '开始认证', again: '重拍', cameraFailed: '无法启动摄像头，请上传照片。', failed: '无法开始：' },
} as const;

export function DemoFlow({ locale }: { locale: Locale }) {
  const t = TEXT[locale];
  const video = useRef<HTMLVideoElement>(null);
  const [stream, setStream] = useState<MediaStream | null>(null);
  const [photo, setPhoto] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => () => stream?.getTracks().forEach((tr) => tr.stop()), [stream]);
  useEffect(() => {
    if (video.current && stream) video.current.srcObject = stream;
  }, [stream]);

  async function openCamera() {
    setError(null);
    try {
      setStream(await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'user', width: { ideal: 640 }, height: { ideal: 480 } }, audio: false }));
    } catch {
      setError(t.cameraFailed);
    }
  }
  function take() {
    const v = video.current;
    if (!v || !v.videoWidth) return;
    const c = document.createElement('canvas');
    c.width = v.videoWidth;
    c.height = v.videoHeight;
    c.getContext('2d')!.drawImage(v, 0, 0);
    setPhoto(c.toDataURL('image/jpeg', 0.92));
    stream?.getTracks().forEach((tr) => tr.stop());
    setStream(null);
  }
  function upload(e: React.ChangeEvent<HTMLInputElement>) {
    const f = e.target.files?.[0];
    if (!f) return;
    const r = new FileReader();
    r.onload = () => setPhoto(String(r.result));
    r.readAsDataURL(f);
  }
  async function start() {
    if (!photo) return;
    setBusy(true);
    setError(null);
    try {
      const res = await fetch('/demo/api/start', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ photo: photo.slice(photo.indexOf(',') + 1) }) });
      const data = (await res.json()) as { url?: string; error?: string; message?: string };
      if (!res.ok || !data.url) throw new Error(`${data.error ?? res.status} ${data.message ?? ''}`);
      // A full load (not a client navigation) so the verify page gets its isolation headers.
      window.location.assign(data.url);
    } catch (e) {
      setError(`${t.failed} ${(e as Error).message}`);
      setBusy(false);
    }
  }

  return (
    <main lang={locale} className="mx-auto max-w-xl px-5 py-8" data-demo>
      <h1 className="text-2xl font-semibold">{t.title}</h1>
      <p className="mt-3 text-slate-700">{t.intro}</p>
      <div className="mt-6 space-y-4">
        {!photo && !stream && (
          <button type="button" onClick={openCamera} className="rounded-md bg-slate-800 px-4 py-2 font-medium text-white" data-testid="demo-camera">
            {t.camera}
          </button>
        )}
        {stream && (
          <div>
            <video ref={video} autoPlay playsInline muted className="w-full -scale-x-100 rounded-lg bg-black" aria-label={t.camera} />
            <button type="button" onClick={take} className="mt-3 rounded-md bg-slate-800 px-4 py-2 font-medium text-white" data-testid="demo-take">
              {t.take}
            </button>
          </div>
        )}
        {!stream && (
          <label className="block text-sm font-medium">
            {t.upload}
            <input type="file" accept="image/jpeg,image/png,image/webp" onChange={upload} className="mt-1 block text-sm" />
          </label>
        )}
        {photo && (
          <div>
            {/* eslint-disable-next-line @next/next/no-img-element -- a local data: URL */}
            <img src={photo} alt="reference" className="w-48 rounded-lg border border-slate-300" data-testid="demo-photo" />
            <div className="mt-3 flex gap-3">
              <button type="button" onClick={start} disabled={busy} className="rounded-md bg-blue-700 px-4 py-2 font-medium text-white disabled:opacity-60" data-testid="demo-start">
                {t.start}
              </button>
              <button type="button" onClick={() => setPhoto(null)} className="rounded-md border border-slate-400 px-4 py-2">
                {t.again}
              </button>
            </div>
          </div>
        )}
        {error && (
          <p role="alert" className="rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900">
            {error}
          </p>
        )}
      </div>
    </main>
  );
}
