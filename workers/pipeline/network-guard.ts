// tasks-vision 1.1.0 posts usage telemetry to https://odml.pa.googleapis.com/v1/log with
// fetch() from inside the worker. A verification service must not send anything about its
// users to a third party (and a strict CSP would block it anyway, logging errors): the worker
// only ever fetches from the origins its assets were configured to come from.
export function restrictFetchToOrigins(origins: Iterable<string>): void {
  const allowed = new Set(origins);
  const original = self.fetch.bind(self);
  self.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input), self.location.href);
    if (!allowed.has(url.origin) && url.protocol !== 'blob:' && url.protocol !== 'data:') {
      return Promise.reject(new TypeError(`face worker: fetch to ${url.origin} blocked`));
    }
    return original(input, init);
  };
}
