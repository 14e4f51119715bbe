// Which browser the verify page runs in, told from the user agent and from what the page can do,
// before the user presses Start. In-app browsers (WeChat, QQ, Alipay, Weibo, DingTalk) and bare
// WebViews inside other apps are where a phone user most often cannot open the camera; the intro
// then says so at once (open in the browser, copy the link, scan the QR code) instead of failing
// after Start, and the camera-denied help gives that app's own settings path (WeChat has no
// address bar and no site settings). What is known of each is in the README ("In-app browsers").

export type InAppKind = 'wechat' | 'qq' | 'alipay' | 'weibo' | 'dingtalk' | 'android-webview' | 'ios-webview';
export type MobileOs = 'ios' | 'android' | 'other';

export interface BrowserInfo {
  /** The in-app browser or WebView, or null for an ordinary browser. */
  kind: InAppKind | null;
  os: MobileOs;
  /**
   * 'blocked': the camera API is missing here (nothing to ask for: open elsewhere);
   * 'maybe': an in-app browser or WebView that has the API, where the host app may still refuse;
   * 'ok': an ordinary browser with the API.
   */
  camera: 'ok' | 'maybe' | 'blocked';
}

/** From the user agent alone; the order matters (DingTalk and Alipay on Android also say "wv"). */
export function inAppKind(ua: string): InAppKind | null {
  if (/DingTalk/i.test(ua)) return 'dingtalk';
  if (/AlipayClient|AliApp\(AP/i.test(ua)) return 'alipay';
  if (/Weibo|__weibo__/i.test(ua)) return 'weibo';
  if (/MicroMessenger/i.test(ua)) return 'wechat';
  // Mobile QQ's in-app browser says "QQ/8.9…"; QQ Browser (MQQBrowser/) is an ordinary browser.
  if (/\sQQ\/\d/i.test(ua)) return 'qq';
  if (/Android/i.test(ua) && /;\s?wv\)/i.test(ua)) return 'android-webview';
  // iOS WKWebView in an app: WebKit without the "Safari/" token (Chrome, Firefox and Edge on iOS name themselves).
  if (/iPhone|iPad|iPod/i.test(ua) && /AppleWebKit/i.test(ua) && !/Safari\//i.test(ua) && !/CriOS|FxiOS|EdgiOS/i.test(ua)) return 'ios-webview';
  return null;
}

export function mobileOs(ua: string): MobileOs {
  if (/iPhone|iPad|iPod/i.test(ua)) return 'ios';
  if (/Android/i.test(ua)) return 'android';
  return 'other';
}

export function detectBrowser(ua: string, hasGetUserMedia: boolean): BrowserInfo {
  const kind = inAppKind(ua);
  return { kind, os: mobileOs(ua), camera: !hasGetUserMedia ? 'blocked' : kind ? 'maybe' : 'ok' };
}

/** In the page: the user agent and whether getUserMedia exists at all. */
export function detectCurrentBrowser(): BrowserInfo {
  const md = typeof navigator !== 'undefined' ? navigator.mediaDevices : undefined;
  return detectBrowser(typeof navigator !== 'undefined' ? navigator.userAgent : '', !!md && typeof md.getUserMedia === 'function');
}
