import { XMLBuilder } from 'fast-xml-parser';

export type ResponseFormat = 'JSON' | 'XML';

const xml = new XMLBuilder({ ignoreAttributes: true, format: false, suppressEmptyNode: false });

/** XML is Aliyun's documented default; the official SDKs always ask for JSON. */
export function pickFormat(raw: string | undefined): ResponseFormat {
  return raw?.toUpperCase() === 'JSON' ? 'JSON' : 'XML';
}

export function render(format: ResponseFormat, rootName: string, body: Record<string, unknown>, status = 200): Response {
  const text = format === 'JSON' ? JSON.stringify(body) : `<?xml version="1.0" encoding="UTF-8"?>${xml.build({ [rootName]: body })}`;
  const bytes = Buffer.from(text, 'utf8');
  return new Response(bytes, {
    status,
    headers: {
      'content-type': format === 'JSON' ? 'application/json;charset=utf-8' : 'text/xml;charset=utf-8',
      'content-length': String(bytes.length),
      // no-transform keeps Next's gzip off these small bodies: compressing a 200-byte answer cost
      // more CPU than the whole action, and halved GetStatus throughput.
      'cache-control': 'no-store, no-transform',
    },
  });
}
