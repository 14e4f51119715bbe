import { XMLBuilder } from 'fast-xml-parser';

export type ResponseFormat = 'JSON' | 'XML';

const xml = new XMLBuilder({ ignoreAttributes: true, format: false, suppressEmptyNode: false });

/** XML is Aliyun's documented default; the official SDKs always ask for JSON. */
export function pickFormat(raw: string | undefined): ResponseFormat {
  return raw?.toUpperCase() === 'JSON' ? 'JSON' : 'XML';
}

export function render(format: ResponseFormat, rootName: string, body: Record<string, unknown>, status = 200): Response {
  if (format === 'JSON') {
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json;charset=utf-8', 'cache-control': 'no-store' } });
  }
  const text = `<?xml version="1.0" encoding="UTF-8"?>${xml.build({ [rootName]: body })}`;
  return new Response(text, { status, headers: { 'content-type': 'text/xml;charset=utf-8', 'cache-control': 'no-store' } });
}
