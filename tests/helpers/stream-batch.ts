/** One live-stream batch as the page sends it (lib/verification/h5/stream.ts): 4-byte header length, JSON header, JPEGs. */
export function streamBatch(frames: { seq: number; t: number; data: Buffer }[], header?: unknown): Buffer {
  const h = Buffer.from(JSON.stringify(header ?? { frames: frames.map((f) => ({ seq: f.seq, t: f.t, bytes: f.data.length })) }));
  const len = Buffer.alloc(4);
  len.writeUInt32BE(h.length);
  return Buffer.concat([len, h, ...frames.map((f) => f.data)]);
}
