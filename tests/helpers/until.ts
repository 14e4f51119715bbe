/** Polls `fn` every 100 ms until it returns something truthy (returned), or throws after `ms`. */
export const until = async <T,>(fn: () => Promise<T | undefined | null | false> | T | undefined | null | false, ms = 20_000): Promise<T> => {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v as T;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
};
