// Kept frames (the evidence) as ImageBitmaps until upload, then JPEG ≤ 2 MB each.

export const MAX_JPEG_BYTES = 2 * 1024 * 1024;

/** Named slots of retained frames; putting a frame in a slot releases the one it replaces. */
export class FrameSlots {
  private readonly slots = new Map<string, ImageBitmap>();

  put(name: string, bitmap: ImageBitmap): void {
    this.slots.get(name)?.close();
    this.slots.set(name, bitmap);
  }

  get(name: string): ImageBitmap | undefined {
    return this.slots.get(name);
  }

  clear(): void {
    for (const b of this.slots.values()) b.close();
    this.slots.clear();
  }
}

export async function encodeJpeg(bitmap: ImageBitmap): Promise<Blob> {
  const canvas = typeof OffscreenCanvas !== 'undefined' ? new OffscreenCanvas(bitmap.width, bitmap.height) : null;
  for (const quality of [0.92, 0.85, 0.75, 0.6]) {
    let blob: Blob;
    if (canvas) {
      canvas.getContext('2d')!.drawImage(bitmap, 0, 0);
      blob = await canvas.convertToBlob({ type: 'image/jpeg', quality });
    } else {
      const c = document.createElement('canvas');
      c.width = bitmap.width;
      c.height = bitmap.height;
      c.getContext('2d')!.drawImage(bitmap, 0, 0);
      blob = await new Promise<Blob>((resolve, reject) => c.toBlob((b) => (b ? resolve(b) : reject(new Error('JPEG encoding failed'))), 'image/jpeg', quality));
    }
    if (blob.size <= MAX_JPEG_BYTES) return blob;
  }
  throw new Error('frame too large even at low JPEG quality');
}
