import type { Locale } from '../../lib/i18n/locale';
import type { TokenState } from '../../lib/verification/tokens';

/** One message per token state and language. */
export const TOKEN_MESSAGES: Record<Locale, Record<TokenState, { title: string; body: string }>> = {
  'zh-CN': {
    valid: { title: '实人认证', body: '链接有效。接下来将使用摄像头确认是您本人在操作。' },
    expired: { title: '链接已过期', body: '此认证链接已超过有效期（30 分钟）。请返回原应用重新发起认证。' },
    superseded: { title: '链接已失效', body: '您已发起了新的认证，此旧链接不再可用。请使用最新的链接。' },
    decided: { title: '认证已完成', body: '此认证已经结束，无需重复操作。请返回原应用查看结果。' },
    unknown: { title: '链接无效', body: '无法识别此认证链接。请确认链接完整，或返回原应用重新发起认证。' },
  },
  en: {
    valid: { title: 'Identity verification', body: 'This link is valid. Next, the camera will confirm that it is really you.' },
    expired: { title: 'Link expired', body: 'This verification link is older than 30 minutes. Go back to the app and start again.' },
    superseded: { title: 'Link replaced', body: 'A newer verification was started, so this link no longer works. Use the latest link.' },
    decided: { title: 'Verification finished', body: 'This verification has already ended. Go back to the app to see the result.' },
    unknown: { title: 'Invalid link', body: 'This verification link is not recognised. Check that it is complete, or start again from the app.' },
  },
};
