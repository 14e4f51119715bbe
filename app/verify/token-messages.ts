import type { Locale } from '../../lib/i18n/locale';
import type { TokenState } from '../../lib/verification/tokens';
import { CATALOGUES } from '../../lib/i18n/messages';

/** One message per token state and language (kept in the catalogues, lib/i18n/messages.ts). */
export const TOKEN_MESSAGES: Record<Locale, Record<TokenState, { title: string; body: string }>> = {
  'zh-CN': CATALOGUES['zh-CN'].token,
  en: CATALOGUES.en.token,
};
