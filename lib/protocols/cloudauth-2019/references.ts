import type { AppContext } from '../../context';
import { loadImage } from '../../verification/image-input';
import { findByCertifyId, latestVerifiedFace, taskImage } from '../../verification/protocol-tasks';
import { Answer2019 } from './envelope';

/**
 * A picture given the 2019 way: `<prefix>FaceContrastPicture` (bare base64),
 * `<prefix>FaceContrastPictureUrl` (fetched only from CLOUDAUTH_FETCH_ALLOWLIST hosts), or
 * `<prefix>CertifyId` (the live face kept by an earlier passed verification of this AccessKey).
 */
export async function pictureFrom(ctx: AppContext, p: { picture?: string; url?: string; certifyId?: string }, names: { picture: string; url: string; certifyId?: string }, accessKeyId: string): Promise<{ data: Buffer; mime: string; source: string } | null> {
  if (p.picture) {
    // Bare base64 as the SDK sends it (a `base64://` prefix is tolerated).
    const img = await loadImage(p.picture.startsWith('base64://') ? p.picture : `base64://${p.picture}`, names.picture, ctx.config);
    return { ...img, source: names.picture };
  }
  if (p.url) {
    if (!/^https?:\/\//i.test(p.url)) throw new Answer2019('401', `${names.url} must be an http(s) URL`);
    const img = await loadImage(p.url, names.url, ctx.config);
    return { ...img, source: names.url };
  }
  if (p.certifyId && names.certifyId) {
    const earlier = await findByCertifyId(ctx, p.certifyId, accessKeyId);
    if (!earlier || earlier.task.status_code !== 1) throw new Answer2019('406', `${names.certifyId}: no passed verification with this CertifyId`);
    const data = await taskImage(ctx, earlier.task.id, 'FacePic');
    if (!data) throw new Answer2019('417', `${names.certifyId}: its face picture was deleted`);
    return { data, mime: 'image/jpeg', source: names.certifyId };
  }
  return null;
}

/** No picture given: this person's latest passed verification with this key (CertName + CertNo), as face_verify does. */
export async function identityReference(ctx: AppContext, accessKeyId: string, name?: string, certNo?: string): Promise<{ data: Buffer; mime: string; source: string } | null> {
  if (!name || !certNo) return null;
  const earlier = await latestVerifiedFace(ctx, accessKeyId, name, certNo);
  return earlier ? { data: earlier.data, mime: 'image/jpeg', source: 'earlier-verification' } : null;
}
