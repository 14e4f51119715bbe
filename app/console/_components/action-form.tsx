'use client';
// The console's one form component: serializes its fields to JSON, posts them with the session's
// CSRF token (from <meta name="csrf-token">), shows errors, and either refreshes the page, goes
// somewhere, or shows a value that is displayed only once (a new secret or password).
import { useRouter } from 'next/navigation';
import { useState } from 'react';

type Texts = { errors: Record<string, string>; once?: string; copy?: string; copied?: string; confirm?: string };

export function ActionForm(props: {
  endpoint: string;
  method?: 'POST' | 'PUT' | 'DELETE';
  submit: string;
  texts: Texts;
  children?: React.ReactNode;
  after?: 'refresh' | 'navigate';
  navigateTo?: string;
  className?: string;
  danger?: boolean;
  testId?: string;
}) {
  const router = useRouter();
  const [error, setError] = useState<{ code: string; details?: { path: string; message: string }[] } | null>(null);
  const [once, setOnce] = useState<{ label: string; value: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [copied, setCopied] = useState(false);

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const csrf = document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? '';
      const res = await fetch(props.endpoint, { method: props.method ?? 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': csrf }, body: JSON.stringify(serialize(e.currentTarget)), credentials: 'same-origin', cache: 'no-store' });
      const data = (await res.json().catch(() => ({}))) as Record<string, unknown>;
      if (!res.ok) {
        setError({ code: String(data.error ?? 'SERVER_ERROR'), details: Array.isArray(data.details) ? (data.details as { path: string; message: string }[]) : undefined });
        return;
      }
      const shown = typeof data.secret === 'string' ? { label: String(data.id ?? ''), value: data.secret } : typeof data.password === 'string' ? { label: String(data.username ?? ''), value: data.password } : null;
      if (shown) setOnce(shown);
      if (props.after === 'navigate') window.location.assign(String(data.location ?? props.navigateTo ?? window.location.href));
      else router.refresh();
    } catch {
      setError({ code: 'SERVER_ERROR' });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={onSubmit} className={props.className ?? 'space-y-3'} data-testid={props.testId} noValidate>
      {props.children}
      <button type="submit" disabled={busy} className={`rounded-md px-3 py-2 text-sm font-medium text-white disabled:opacity-60 ${props.danger ? 'bg-red-700 hover:bg-red-800' : 'bg-slate-800 hover:bg-slate-900'}`}>
        {props.submit}
      </button>
      {error && (
        <div role="alert" className="rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900" data-error={error.code}>
          <p>{props.texts.errors[error.code] ?? error.code}</p>
          {error.details && (
            <ul className="mt-1 list-disc pl-5">
              {error.details.map((d) => (
                <li key={d.path + d.message}>
                  <code>{d.path}</code>: {d.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {once && (
        <div role="status" className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-950" data-testid="shown-once">
          <p>{props.texts.once}</p>
          <p className="mt-2 break-all font-mono" data-once-label={once.label}>
            {once.label && <span className="mr-2">{once.label}</span>}
            <code data-testid="once-value">{once.value}</code>
          </p>
          <button type="button" className="mt-2 rounded border border-amber-400 px-2 py-1" onClick={() => void navigator.clipboard?.writeText(once.value).then(() => setCopied(true), () => setCopied(false))}>
            {copied ? props.texts.copied : props.texts.copy}
          </button>
        </div>
      )}
    </form>
  );
}

/**
 * Field names map to JSON: "a.b" nests, "x[]" collects an array (checked boxes, or one entry
 * per line of a textarea with data-lines), type=number becomes a number (empty = omitted),
 * a checkbox with data-bool becomes true/false, data-json is parsed, data-optional empty is omitted.
 */
function serialize(form: HTMLFormElement): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const put = (name: string, value: unknown) => {
    const parts = name.split('.');
    let o = out;
    for (const p of parts.slice(0, -1)) o = (o[p] ??= {}) as Record<string, unknown>;
    o[parts.at(-1)!] = value;
  };
  const get = (name: string) => name.split('.').reduce<unknown>((o, p) => (o as Record<string, unknown> | undefined)?.[p], out);
  for (const el of Array.from(form.elements) as (HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement)[]) {
    if (!el.name || el.disabled) continue;
    const isArray = el.name.endsWith('[]');
    const name = isArray ? el.name.slice(0, -2) : el.name;
    if (el instanceof HTMLInputElement && el.type === 'checkbox') {
      if (el.dataset.bool !== undefined) put(name, el.checked);
      else if (isArray) put(name, [...((get(name) as unknown[]) ?? []), ...(el.checked ? [el.value] : [])]);
      continue;
    }
    if (el instanceof HTMLInputElement && el.type === 'radio') {
      if (el.checked) put(name, el.value);
      continue;
    }
    if (el instanceof HTMLTextAreaElement && el.dataset.lines !== undefined) {
      put(name, el.value.split(/\r?\n/).map((l) => l.trim()).filter(Boolean));
      continue;
    }
    if (el instanceof HTMLInputElement && el.type === 'number') {
      if (el.value !== '') put(name, Number(el.value));
      continue;
    }
    if (el.dataset.json !== undefined) {
      try {
        put(name, JSON.parse(el.value));
      } catch {
        put(name, el.value);
      }
      continue;
    }
    if (el.value === '' && el.dataset.optional !== undefined) continue;
    put(name, el.value);
  }
  return out;
}
