/**
 * A redirect target is used only when it is an absolute http(s) URL whose origin is one of the
 * scene's redirectOrigins. Everything else (javascript:, data:, relative paths, other origins,
 * credentials in the URL) is refused: the page then shows the result without redirecting.
 */
export function allowedRedirect(raw: string | null | undefined, redirectOrigins: readonly string[]): string | null {
  if (!raw || typeof raw !== 'string' || raw.length > 2048) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.username || url.password) return null;
  const allowed = new Set(
    redirectOrigins.flatMap((o) => {
      try {
        return [new URL(o).origin];
      } catch {
        return [];
      }
    }),
  );
  return allowed.has(url.origin) ? url.toString() : null;
}
