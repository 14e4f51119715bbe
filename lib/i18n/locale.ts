export type Locale = 'zh-CN' | 'en';

/** `?lang=` wins, then Accept-Language; zh-CN is the default. */
export function pickLocale(langParam: string | undefined | null, acceptLanguage: string | null | undefined): Locale {
  const explicit = langParam?.toLowerCase();
  if (explicit?.startsWith('en')) return 'en';
  if (explicit?.startsWith('zh')) return 'zh-CN';
  const langs = (acceptLanguage ?? '')
    .split(',')
    .map((part) => {
      const [tag, q] = part.trim().split(';q=');
      return { tag: (tag ?? '').toLowerCase(), q: q ? Number(q) : 1 };
    })
    .filter((l) => l.tag)
    .sort((a, b) => b.q - a.q);
  for (const l of langs) {
    if (l.tag.startsWith('zh')) return 'zh-CN';
    if (l.tag.startsWith('en')) return 'en';
  }
  return 'zh-CN';
}
