/**
 * Reads a request body up to `max` bytes, refusing more without buffering it all (the declared
 * Content-Length is checked first, then the streamed total). `tooLarge` builds the caller's own
 * protocol error, so the RPC and H5 layers answer in their own vocabularies.
 */
export async function readCappedBody(request: Request, max: number, tooLarge: (size: number | null) => Error): Promise<Buffer> {
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > max) throw tooLarge(declared);
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(null);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
