// The verify page's message catalogues: one typed key → one message per language. Isomorphic
// (no Node or DOM APIs): the server page and the client flow import it.
import type { Locale } from './locale';
import type { TokenState } from '../verification/tokens';
import type { ReasonCode } from '../verification/h5/reasons';

/** In-app browsers and WebViews the verify page recognises (app/verify/in-app.ts). */
export type InAppName = 'wechat' | 'qq' | 'alipay' | 'weibo' | 'dingtalk' | 'android-webview' | 'ios-webview';
export type LoadStageName = 'models' | 'warmup' | 'starting';

export type LivenessActionName = 'blink' | 'mouth_open' | 'turn_left' | 'turn_right' | 'nod';

/** Failures of the page itself (camera, models, network), each with its own explanation. */
export type FlowErrorCode =
  | 'INSECURE_CONTEXT'
  | 'NO_MEDIA_DEVICES'
  | 'CAMERA_DENIED'
  | 'CAMERA_NOT_FOUND'
  | 'CAMERA_BUSY'
  | 'CAMERA_FAILED'
  | 'CAMERA_LOST'
  | 'MODEL_LOAD_FAILED'
  | 'NETWORK'
  | 'UPLOAD_FAILED'
  | 'ATTEMPTS_EXHAUSTED'
  | 'SERVER_ERROR';

/** One prompt per unmet capture condition. */
export type AlignPrompt =
  | 'NO_FACE'
  | 'MULTIPLE_FACES'
  | 'MOVE_CLOSER'
  | 'MOVE_BACK'
  | 'MOVE_LEFT'
  | 'MOVE_RIGHT'
  | 'MOVE_UP'
  | 'MOVE_DOWN'
  | 'FACE_FRONT'
  | 'LEVEL_HEAD'
  | 'MORE_LIGHT'
  | 'LESS_LIGHT'
  | 'HOLD_STILL'
  | 'OPEN_EYES'
  | 'HOLD'
  /** Before the first frame was analysed: nothing is known yet. */
  | 'DETECTING';

/** Server reason codes (AuditConclusions) as the user reads them: the action-specific codes share one message. */
export type ReasonKey = Exclude<ReasonCode, `LIVENESS_ACTION_NOT_DETECTED:${string}`> | 'LIVENESS_ACTION_NOT_DETECTED';

export interface Catalogue {
  token: Record<TokenState, { title: string; body: string }>;
  /** A decided ticket's link, opened again: says plainly whether it passed or failed. */
  finished: Record<'passed' | 'failed' | 'review', { title: string; body: string }>;
  /** The browser tab's title; with the scene's displayName when it has one. */
  pageTitle: (displayName?: string) => string;
  ui: {
    requestedBy: (name: string) => string;
    cancel: string;
    backToApp: string;
    closeHint: string;
    failedNext: string;
    loadingStage: Record<LoadStageName, string>;
    timer: (s: number) => string;
    introTitle: string;
    introSteps: string[];
    privacyTitle: string;
    privacyBody: string;
    start: string;
    permissionTitle: string;
    permissionBody: string;
    loadingTitle: string;
    loadingBody: string;
    alignTitle: string;
    challengeTitle: (k: number, n: number) => string;
    secondsLeft: (s: number) => string;
    uploadingTitle: string;
    uploadingBody: string;
    checkingBody: string;
    passedTitle: string;
    passedBody: string;
    failedTitle: string;
    retryTitle: string;
    attemptsLeft: (n: number) => string;
    tryAgain: string;
    continueTo: string;
    redirecting: string;
    noRedirect: string;
    copyLink: string;
    copied: string;
    qrCaption: string;
    retry: string;
    cameraPreview: string;
    progress: string;
  };
  errors: Record<FlowErrorCode, { title: string; body: string }>;
  align: Record<AlignPrompt, string>;
  /** Concrete help when a challenge is not being met after a few seconds. */
  challengeHelp: Record<LivenessActionName, string>;
  inApp: {
    names: Record<InAppName, string>;
    /** Shown at once on the intro where the camera cannot work here. */
    blockedTitle: (app: string) => string;
    blockedBody: Record<InAppName, string>;
    /** On the intro where the camera may work (go on, with a way out). */
    maybeNote: Record<InAppName, string>;
    /** Camera denied inside that app: its own settings path. */
    deniedBody: Record<InAppName, string>;
  };
  /** Concrete help shown when one condition keeps failing for a few seconds. */
  alignHelp: Record<AlignPrompt, string>;
  challenge: Record<LivenessActionName, string>;
  reasons: Record<ReasonKey, string>;
  actionNotDetected: (action: LivenessActionName) => string;
}

const zh: Catalogue = {
  token: {
    valid: { title: '实人认证', body: '链接有效。接下来将使用摄像头确认是您本人在操作。' },
    expired: { title: '链接已过期', body: '此认证链接已超过有效期（30 分钟）。请返回原应用重新发起认证。' },
    superseded: { title: '链接已失效', body: '您已发起了新的认证，此旧链接不再可用。请使用最新的链接。' },
    decided: { title: '此认证已结束', body: '此链接的认证已经结束，不能再次使用。请回到原应用查看结果。' },
    unknown: { title: '链接无效', body: '无法识别此认证链接。请确认链接完整，或返回原应用重新发起认证。' },
  },
  finished: {
    passed: { title: '认证已通过', body: '此认证已经通过，无需重复操作。请回到原应用继续。' },
    failed: { title: '认证未通过', body: '此认证没有通过，已经结束，此链接不能再使用。如需再次认证，请回到原应用重新发起。' },
    review: { title: '正在人工审核', body: '您的认证已经提交，正在由审核人员确认，结果会直接通知发起认证的应用。请回到原应用等待结果，无需重新认证。' },
  },
  pageTitle: (name) => (name ? `实人认证 - ${name}` : '实人认证'),
  ui: {
    requestedBy: (name) => `由「${name}」发起`,
    cancel: '取消认证',
    backToApp: '返回',
    closeHint: '现在可以关闭此页面，回到原应用。',
    failedNext: '如需再次认证，请回到原应用重新发起。',
    loadingStage: { models: '正在加载人脸检测组件…', warmup: '正在打开摄像头画面…', starting: '马上开始…' },
    timer: (s) => `剩余 ${s} 秒`,
    introTitle: '实人认证',
    introSteps: ['打开前置摄像头，把脸放进取景框', '按提示完成几个简单动作（如眨眼、张嘴、转头）', '我们在服务器上再次核验，完成后自动返回'],
    privacyTitle: '隐私说明',
    privacyBody: '人脸图像仅用于本次身份核验，加密存储，核验结束后只保留一张人脸照片供发起方查看，其余图像即刻删除。所有处理都在本服务内完成，不会发送给第三方。',
    start: '开始认证',
    permissionTitle: '请允许使用摄像头',
    permissionBody: '浏览器将询问是否允许使用摄像头，请选择“允许”。',
    loadingTitle: '正在准备',
    loadingBody: '正在加载人脸检测模型，首次使用可能需要几秒钟。',
    alignTitle: '对准人脸',
    challengeTitle: (k, n) => `动作 ${k}/${n}`,
    secondsLeft: (s) => `剩余 ${s} 秒`,
    uploadingTitle: '正在上传',
    uploadingBody: '正在安全上传核验照片，请勿关闭页面。',
    checkingBody: '正在核验，请稍候…',
    passedTitle: '认证通过',
    passedBody: '已确认是您本人。',
    failedTitle: '认证未通过',
    retryTitle: '这次没有成功',
    attemptsLeft: (n) => `还可以再试 ${n} 次。`,
    tryAgain: '重新开始',
    continueTo: '返回应用',
    redirecting: '正在返回应用…',
    noRedirect: '请返回原应用继续。',
    copyLink: '复制链接',
    copied: '已复制',
    qrCaption: '或用另一台手机扫码继续：',
    retry: '重试',
    cameraPreview: '摄像头画面',
    progress: '进度',
  },
  errors: {
    INSECURE_CONTEXT: { title: '连接不安全', body: '摄像头只能在安全连接（https）下使用。请通过 https 链接打开此页面。' },
    NO_MEDIA_DEVICES: { title: '当前应用内无法使用摄像头', body: '此页面似乎在应用内置浏览器中打开，无法调用摄像头。请点右上角菜单，选择“在浏览器中打开”；或复制链接到系统浏览器，也可以用另一台手机扫描二维码继续。' },
    CAMERA_DENIED: { title: '摄像头权限被拒绝', body: '请在浏览器地址栏左侧的锁形图标或“网站设置”中，将摄像头权限改为“允许”，然后点“重试”。在手机上也可能需要在系统设置里允许浏览器使用相机。' },
    CAMERA_NOT_FOUND: { title: '未找到摄像头', body: '此设备上没有可用的摄像头。请换一台带前置摄像头的手机或电脑继续。' },
    CAMERA_BUSY: { title: '摄像头正被占用', body: '摄像头可能正被其他应用（视频通话、相机等）使用。请关闭这些应用后点“重试”。' },
    CAMERA_FAILED: { title: '无法打开摄像头', body: '摄像头启动失败。请重新加载页面，或换一个浏览器再试。' },
    CAMERA_LOST: { title: '摄像头已断开', body: '摄像头画面中断了。请确认没有其他应用占用摄像头，然后重试。' },
    MODEL_LOAD_FAILED: { title: '加载失败', body: '人脸检测组件没有加载成功，可能是网络不稳定。请检查网络后重试。' },
    NETWORK: { title: '网络连接失败', body: '无法连接到认证服务。请检查网络后重试。' },
    UPLOAD_FAILED: { title: '上传失败', body: '核验照片多次上传失败。请检查网络后重试，已上传的部分不会重复提交。' },
    ATTEMPTS_EXHAUSTED: { title: '认证未通过', body: '本次认证的尝试次数已经用完，认证没有通过，已经结束。如需再次认证，请回到原应用重新发起。' },
    SERVER_ERROR: { title: '服务暂时不可用', body: '认证服务出现问题。请稍后重试。' },
  },
  align: {
    NO_FACE: '请将脸放入框内',
    MULTIPLE_FACES: '画面中只能有一个人',
    MOVE_CLOSER: '请靠近一点',
    MOVE_BACK: '请离远一点',
    MOVE_LEFT: '请向左移一点',
    MOVE_RIGHT: '请向右移一点',
    MOVE_UP: '请把脸向上移一点',
    MOVE_DOWN: '请把脸向下移一点',
    FACE_FRONT: '请正对屏幕，不要侧脸',
    LEVEL_HEAD: '请平视屏幕，不要抬头或低头',
    MORE_LIGHT: '光线太暗，请到明亮的地方',
    LESS_LIGHT: '光线太强，请避开强光',
    HOLD_STILL: '请保持不动',
    OPEN_EYES: '请睁开眼睛',
    HOLD: '很好，请保持',
    DETECTING: '正在识别…',
  },
  alignHelp: {
    NO_FACE: '把手机举到与脸同高，距离约一臂，让整张脸出现在圆框里。',
    MULTIPLE_FACES: '请让其他人离开画面，或换一个背景里没有人脸（照片、海报）的位置。',
    MOVE_CLOSER: '脸在圆框里太小了：把手机拿近一些，让脸占满大半个圆框。',
    MOVE_BACK: '脸超出了圆框：把手机拿远一些，直到下巴和额头都在圆框内。',
    MOVE_LEFT: '看着预览画面，把脸（或手机）慢慢向左移，直到脸在圆框正中。',
    MOVE_RIGHT: '看着预览画面，把脸（或手机）慢慢向右移，直到脸在圆框正中。',
    MOVE_UP: '把手机稍微放低一点，或抬一点下巴，让脸在圆框正中。',
    MOVE_DOWN: '把手机稍微举高一点，让额头和下巴都在圆框内。',
    FACE_FRONT: '把手机放在脸的正前方，眼睛看着屏幕。',
    LEVEL_HEAD: '把手机举到与眼睛同高，不要抬头或低头。',
    MORE_LIGHT: '面向窗户或灯光，不要背对光源。',
    LESS_LIGHT: '避开直射的阳光或灯光，或换一个光线柔和的地方。',
    HOLD_STILL: '用双手拿稳手机，或把手机靠在物体上。',
    OPEN_EYES: '请自然地睁开眼睛看着屏幕；如果戴了墨镜请摘下。',
    HOLD: '',
    DETECTING: '',
  },
  challengeHelp: {
    blink: '闭上双眼约半秒，再睁开，像慢慢眨一次眼。戴眼镜时请确认镜片没有反光。',
    mouth_open: '把嘴张大到能看见牙齿，停一下，再合上。',
    turn_left: '把头慢慢向左转（约 30 度，看向屏幕左边缘外），再转回正面。只转头，不要移动手机。',
    turn_right: '把头慢慢向右转（约 30 度，看向屏幕右边缘外），再转回正面。只转头，不要移动手机。',
    nod: '慢慢低头再抬头（下巴向下约一拳），再回到正面。只动头，不要移动手机。',
  },
  inApp: {
    names: { wechat: '微信', qq: 'QQ', alipay: '支付宝', weibo: '微博', dingtalk: '钉钉', 'android-webview': '应用内', 'ios-webview': '应用内' },
    blockedTitle: (app) => `在${app}中无法使用摄像头`,
    blockedBody: {
      wechat: '请点右上角“···”，选择“在浏览器打开”；或复制链接到手机浏览器打开，也可以用另一台手机扫描下方二维码。',
      qq: '请点右上角“···”，选择“用浏览器打开”；或复制链接到手机浏览器，也可以用另一台手机扫码。',
      alipay: '请点右上角“···”，选择“在浏览器中打开”；或复制链接到手机浏览器，也可以用另一台手机扫码。',
      weibo: '请点右上角“···”，选择“用浏览器打开”；或复制链接到手机浏览器，也可以用另一台手机扫码。',
      dingtalk: '请点右上角“···”，选择“在浏览器打开”；或复制链接到手机浏览器，也可以用另一台手机扫码。',
      'android-webview': '此应用的内置页面无法调用摄像头。请复制链接到 Chrome 等手机浏览器打开，或用另一台手机扫描二维码。',
      'ios-webview': '此应用的内置页面无法调用摄像头。请复制链接到 Safari 打开，或用另一台手机扫描二维码。',
    },
    maybeNote: {
      wechat: '您正在微信中打开。如果摄像头打不开，请点右上角“···”选择“在浏览器打开”。',
      qq: '您正在 QQ 中打开。如果摄像头打不开，请点右上角“···”选择“用浏览器打开”。',
      alipay: '您正在支付宝中打开。如果摄像头打不开，请点右上角“···”选择“在浏览器中打开”。',
      weibo: '您正在微博中打开。如果摄像头打不开，请点右上角“···”选择“用浏览器打开”。',
      dingtalk: '您正在钉钉中打开。如果摄像头打不开，请点右上角“···”选择“在浏览器打开”。',
      'android-webview': '您正在应用的内置页面中打开。如果摄像头打不开，请复制链接到手机浏览器。',
      'ios-webview': '您正在应用的内置页面中打开。如果摄像头打不开，请复制链接到 Safari。',
    },
    deniedBody: {
      wechat: '微信没有地址栏，请在系统设置里允许微信使用相机：iPhone 打开“设置 > 微信 > 相机”；Android 打开“设置 > 应用 > 微信 > 权限 > 相机”，选择“允许”。然后回到这里点“重试”，或点右上角“···”选择“在浏览器打开”。',
      qq: '请在系统设置里允许 QQ 使用相机：iPhone 打开“设置 > QQ > 相机”；Android 打开“设置 > 应用 > QQ > 权限 > 相机”。然后点“重试”，或用浏览器打开此页。',
      alipay: '请在系统设置里允许支付宝使用相机：iPhone 打开“设置 > 支付宝 > 相机”；Android 打开“设置 > 应用 > 支付宝 > 权限 > 相机”。然后点“重试”，或用浏览器打开此页。',
      weibo: '请在系统设置里允许微博使用相机：iPhone 打开“设置 > 微博 > 相机”；Android 打开“设置 > 应用 > 微博 > 权限 > 相机”。然后点“重试”，或用浏览器打开此页。',
      dingtalk: '请在系统设置里允许钉钉使用相机：iPhone 打开“设置 > 钉钉 > 相机”；Android 打开“设置 > 应用 > 钉钉 > 权限 > 相机”。然后点“重试”，或用浏览器打开此页。',
      'android-webview': '此应用可能不允许网页使用摄像头。请在“设置 > 应用 > 此应用 > 权限 > 相机”中允许后点“重试”；仍不行时，请复制链接到手机浏览器打开。',
      'ios-webview': '此应用可能不允许网页使用摄像头。请在“设置 > 此应用 > 相机”中允许后点“重试”；仍不行时，请复制链接到 Safari 打开。',
    },
  },
  challenge: {
    blink: '请眨眨眼',
    mouth_open: '请张张嘴',
    turn_left: '请向左转头，再转回来',
    turn_right: '请向右转头，再转回来',
    nod: '请点点头',
  },
  reasons: {
    LIVENESS_TIMEOUT: '动作没有在规定时间内完成。',
    ALIGN_TIMEOUT: '长时间没有对准取景框。请在光线充足处，把手机拿稳、与脸平齐，让整张脸出现在圆框内。',
    CAPTURE_NOT_LIVE: '摄像头画面没有实时传到服务器（网络不稳定或画面中断）。请在网络良好时重试。',
    CAPTURE_DISCONTINUITY: '认证过程中画面不连续。',
    VIRTUAL_CAMERA: '检测到虚拟摄像头。请使用设备自带的摄像头。',
    USER_CANCELLED: '认证已取消。',
    EVIDENCE_INCOMPLETE: '核验照片不完整。',
    NO_FACE: '部分照片中没有检测到人脸，请保持脸在框内。',
    MULTIPLE_FACES: '照片中出现了不止一个人，请确保只有您一个人在画面中。',
    LOW_QUALITY: '照片质量不足，请在光线充足处正对屏幕。',
    LIVENESS_ACTION_NOT_DETECTED: '没有检测到要求的动作。',
    REPLACED_FACE_ATTACK: '认证过程中人脸发生了变化。',
    SPOOF_SUSPECTED: '未能确认是真人在镜头前。',
    NO_REFERENCE_PHOTO: '发起方没有提供用于比对的照片，无法完成认证。',
    REFERENCE_PHOTO_NO_FACE: '比对照片中没有检测到人脸，无法完成认证。',
    NOT_SAME_PERSON: '人脸与登记的照片不一致。',
    MAX_ATTEMPTS_EXCEEDED: '尝试次数已用完。',
    MANUAL_REVIEW_REJECTED: '人工审核未通过。',
  },
  actionNotDetected: (a) => `没有检测到“${zh.challenge[a].replace(/^请/, '')}”动作。下次请把动作做得明显一些。`,
};

const en: Catalogue = {
  token: {
    valid: { title: 'Identity verification', body: 'This link is valid. Next, the camera will confirm that it is really you.' },
    expired: { title: 'Link expired', body: 'This verification link is older than 30 minutes. Go back to the app and start again.' },
    superseded: { title: 'Link replaced', body: 'A newer verification was started, so this link no longer works. Use the latest link.' },
    decided: { title: 'This verification has ended', body: 'This link’s verification is over and cannot be used again. Go back to the app to see the result.' },
    unknown: { title: 'Invalid link', body: 'This verification link is not recognised. Check that it is complete, or start again from the app.' },
  },
  finished: {
    passed: { title: 'Verification passed', body: 'This verification has already passed; there is nothing more to do. Go back to the app to continue.' },
    failed: { title: 'Verification failed', body: 'This verification did not pass and has ended; this link cannot be used again. To try again, start a new verification from the app.' },
    review: { title: 'Under review', body: 'Your verification was submitted and a reviewer is checking it; the app that asked for it will receive the result. Go back to the app and wait for it; there is no need to verify again.' },
  },
  pageTitle: (name) => (name ? `Identity verification – ${name}` : 'Identity verification'),
  ui: {
    requestedBy: (name) => `Requested by ${name}`,
    cancel: 'Cancel',
    backToApp: 'Go back',
    closeHint: 'You can close this page now and return to the app.',
    failedNext: 'To try again, start a new verification from the app.',
    loadingStage: { models: 'Loading face detection…', warmup: 'Starting the camera picture…', starting: 'About to start…' },
    timer: (s) => `${s} seconds left`,
    introTitle: 'Identity verification',
    introSteps: ['Turn on the front camera and put your face in the frame', 'Follow a few simple prompts (blink, open your mouth, turn your head)', 'Our server double-checks, then takes you back'],
    privacyTitle: 'Privacy',
    privacyBody: 'Your face images are used only for this verification and stored encrypted. After the check, one face photo is kept for the requesting service; all other images are deleted at once. Everything is processed by this service; nothing is sent to third parties.',
    start: 'Start',
    permissionTitle: 'Allow the camera',
    permissionBody: 'Your browser will ask to use the camera. Choose “Allow”.',
    loadingTitle: 'Getting ready',
    loadingBody: 'Loading face detection. The first time can take a few seconds.',
    alignTitle: 'Position your face',
    challengeTitle: (k, n) => `Step ${k} of ${n}`,
    secondsLeft: (s) => `${s} s left`,
    uploadingTitle: 'Uploading',
    uploadingBody: 'Uploading your verification photos securely. Keep this page open.',
    checkingBody: 'Checking…',
    passedTitle: 'Verified',
    passedBody: 'We confirmed it is you.',
    failedTitle: 'Verification failed',
    retryTitle: 'That did not work',
    attemptsLeft: (n) => `You can try ${n} more time${n === 1 ? '' : 's'}.`,
    tryAgain: 'Try again',
    continueTo: 'Back to the app',
    redirecting: 'Taking you back…',
    noRedirect: 'Go back to the app to continue.',
    copyLink: 'Copy link',
    copied: 'Copied',
    qrCaption: 'Or scan this code with another phone:',
    retry: 'Retry',
    cameraPreview: 'Camera preview',
    progress: 'Progress',
  },
  errors: {
    INSECURE_CONTEXT: { title: 'Connection not secure', body: 'The camera only works over a secure (https) connection. Open this page through an https link.' },
    NO_MEDIA_DEVICES: { title: 'The camera is not available in this app', body: 'This page seems to be open inside an app’s built-in browser, which cannot use the camera. Use the menu to “Open in browser”, copy the link into your system browser, or scan the code with another phone.' },
    CAMERA_DENIED: { title: 'Camera access was blocked', body: 'Allow the camera for this site: tap the lock icon next to the address (or Site settings), set Camera to “Allow”, then tap Retry. On a phone, the system settings may also need to allow the browser to use the camera.' },
    CAMERA_NOT_FOUND: { title: 'No camera found', body: 'This device has no usable camera. Continue on a phone or computer with a front camera.' },
    CAMERA_BUSY: { title: 'The camera is in use', body: 'Another app (a video call, the camera app) may be using the camera. Close it, then tap Retry.' },
    CAMERA_FAILED: { title: 'Could not start the camera', body: 'The camera failed to start. Reload the page or try another browser.' },
    CAMERA_LOST: { title: 'The camera stopped', body: 'The camera feed was interrupted. Make sure no other app is using it, then retry.' },
    MODEL_LOAD_FAILED: { title: 'Loading failed', body: 'Face detection could not be loaded, possibly because of a weak connection. Check your network and retry.' },
    NETWORK: { title: 'No connection', body: 'The verification service cannot be reached. Check your network and retry.' },
    UPLOAD_FAILED: { title: 'Upload failed', body: 'Uploading your photos failed several times. Check your network and retry; parts already uploaded are not sent twice.' },
    ATTEMPTS_EXHAUSTED: { title: 'Verification failed', body: 'All attempts for this verification have been used, so it did not pass and has ended. To try again, start a new verification from the app.' },
    SERVER_ERROR: { title: 'Service unavailable', body: 'The verification service had a problem. Try again in a moment.' },
  },
  align: {
    NO_FACE: 'Put your face in the frame',
    MULTIPLE_FACES: 'Only one person may be in the picture',
    MOVE_CLOSER: 'Move closer',
    MOVE_BACK: 'Move back a little',
    MOVE_LEFT: 'Move a little to the left',
    MOVE_RIGHT: 'Move a little to the right',
    MOVE_UP: 'Move your face up a little',
    MOVE_DOWN: 'Move your face down a little',
    FACE_FRONT: 'Look straight at the screen',
    LEVEL_HEAD: 'Keep your head level',
    MORE_LIGHT: 'Too dark: find more light',
    LESS_LIGHT: 'Too bright: avoid strong light',
    HOLD_STILL: 'Hold still',
    OPEN_EYES: 'Keep your eyes open',
    HOLD: 'Good, hold it',
    DETECTING: 'Looking for your face…',
  },
  alignHelp: {
    NO_FACE: 'Hold the phone at face height, about an arm\'s length away, so your whole face is inside the circle.',
    MULTIPLE_FACES: 'Ask others to step out of the picture, or move away from photos and posters with faces.',
    MOVE_CLOSER: 'Your face is small in the circle: bring the phone closer until your face fills most of it.',
    MOVE_BACK: 'Your face goes past the circle: hold the phone further away until chin and forehead are inside.',
    MOVE_LEFT: 'Watch the preview and slowly move your face (or the phone) to the left until your face is in the middle.',
    MOVE_RIGHT: 'Watch the preview and slowly move your face (or the phone) to the right until your face is in the middle.',
    MOVE_UP: 'Lower the phone a little, or lift your chin, so your face is in the middle of the circle.',
    MOVE_DOWN: 'Raise the phone a little so your forehead and chin are inside the circle.',
    FACE_FRONT: 'Hold the phone straight in front of your face and look at the screen.',
    LEVEL_HEAD: 'Hold the phone at eye level; don\'t look up or down.',
    MORE_LIGHT: 'Face a window or a lamp; don\'t sit with the light behind you.',
    LESS_LIGHT: 'Avoid direct sunlight or a bright lamp, or move somewhere with softer light.',
    HOLD_STILL: 'Hold the phone with both hands, or rest it against something.',
    OPEN_EYES: 'Open your eyes naturally and look at the screen; take off sunglasses.',
    HOLD: '',
    DETECTING: '',
  },
  challengeHelp: {
    blink: 'Close both eyes for about half a second, then open them: one slow blink. With glasses, make sure the lenses do not reflect light.',
    mouth_open: 'Open your mouth wide enough to show your teeth, hold it a moment, then close it.',
    turn_left: 'Slowly turn your head to your left (about 30°, looking past the left edge of the screen), then back to the front. Move your head, not the phone.',
    turn_right: 'Slowly turn your head to your right (about 30°, looking past the right edge of the screen), then back to the front. Move your head, not the phone.',
    nod: 'Slowly lower your chin (about a fist’s height) and lift it back to the front. Move your head, not the phone.',
  },
  inApp: {
    names: { wechat: 'WeChat', qq: 'QQ', alipay: 'Alipay', weibo: 'Weibo', dingtalk: 'DingTalk', 'android-webview': 'this app', 'ios-webview': 'this app' },
    blockedTitle: (app) => `The camera cannot be used in ${app}`,
    blockedBody: {
      wechat: 'Tap “···” at the top right and choose “Open in Browser”; or copy the link into your phone’s browser, or scan the code below with another phone.',
      qq: 'Tap “···” at the top right and choose “Open in Browser”; or copy the link into your phone’s browser, or scan the code with another phone.',
      alipay: 'Tap “···” at the top right and choose “Open in Browser”; or copy the link into your phone’s browser, or scan the code with another phone.',
      weibo: 'Tap “···” at the top right and choose “Open in Browser”; or copy the link into your phone’s browser, or scan the code with another phone.',
      dingtalk: 'Tap “···” at the top right and choose “Open in Browser”; or copy the link into your phone’s browser, or scan the code with another phone.',
      'android-webview': 'This app’s built-in page cannot use the camera. Copy the link into Chrome or another browser, or scan the code with another phone.',
      'ios-webview': 'This app’s built-in page cannot use the camera. Copy the link into Safari, or scan the code with another phone.',
    },
    maybeNote: {
      wechat: 'You opened this in WeChat. If the camera does not start, tap “···” at the top right and choose “Open in Browser”.',
      qq: 'You opened this in QQ. If the camera does not start, tap “···” at the top right and choose “Open in Browser”.',
      alipay: 'You opened this in Alipay. If the camera does not start, tap “···” at the top right and choose “Open in Browser”.',
      weibo: 'You opened this in Weibo. If the camera does not start, tap “···” at the top right and choose “Open in Browser”.',
      dingtalk: 'You opened this in DingTalk. If the camera does not start, tap “···” at the top right and choose “Open in Browser”.',
      'android-webview': 'You opened this inside an app. If the camera does not start, copy the link into your phone’s browser.',
      'ios-webview': 'You opened this inside an app. If the camera does not start, copy the link into Safari.',
    },
    deniedBody: {
      wechat: 'WeChat has no address bar: allow WeChat to use the camera in the system settings. iPhone: Settings > WeChat > Camera. Android: Settings > Apps > WeChat > Permissions > Camera > Allow. Then come back and tap Retry, or tap “···” and choose “Open in Browser”.',
      qq: 'Allow QQ to use the camera in the system settings. iPhone: Settings > QQ > Camera. Android: Settings > Apps > QQ > Permissions > Camera. Then tap Retry, or open this page in a browser.',
      alipay: 'Allow Alipay to use the camera in the system settings. iPhone: Settings > Alipay > Camera. Android: Settings > Apps > Alipay > Permissions > Camera. Then tap Retry, or open this page in a browser.',
      weibo: 'Allow Weibo to use the camera in the system settings. iPhone: Settings > Weibo > Camera. Android: Settings > Apps > Weibo > Permissions > Camera. Then tap Retry, or open this page in a browser.',
      dingtalk: 'Allow DingTalk to use the camera in the system settings. iPhone: Settings > DingTalk > Camera. Android: Settings > Apps > DingTalk > Permissions > Camera. Then tap Retry, or open this page in a browser.',
      'android-webview': 'This app may not let web pages use the camera. Allow it under Settings > Apps > this app > Permissions > Camera and tap Retry; if that does not help, copy the link into your browser.',
      'ios-webview': 'This app may not let web pages use the camera. Allow it under Settings > this app > Camera and tap Retry; if that does not help, copy the link into Safari.',
    },
  },
  challenge: {
    blink: 'Blink your eyes',
    mouth_open: 'Open your mouth',
    turn_left: 'Turn your head to your left, then back',
    turn_right: 'Turn your head to your right, then back',
    nod: 'Nod your head',
  },
  reasons: {
    LIVENESS_TIMEOUT: 'The action was not completed in time.',
    ALIGN_TIMEOUT: 'Your face was not in the frame for too long. In good light, hold the phone steady at face height with your whole face inside the circle.',
    CAPTURE_NOT_LIVE: 'The camera picture did not reach our server live (unstable network or an interrupted picture). Try again on a good connection.',
    CAPTURE_DISCONTINUITY: 'The camera picture was not continuous during the verification.',
    VIRTUAL_CAMERA: 'A virtual camera was detected. Use the device\'s own camera.',
    USER_CANCELLED: 'The verification was cancelled.',
    EVIDENCE_INCOMPLETE: 'Some verification photos were missing.',
    NO_FACE: 'No face was found in some photos. Keep your face in the frame.',
    MULTIPLE_FACES: 'More than one person was in the picture. Make sure you are alone in the frame.',
    LOW_QUALITY: 'The photos were not clear enough. Face the screen in good light.',
    LIVENESS_ACTION_NOT_DETECTED: 'The requested action was not detected.',
    REPLACED_FACE_ATTACK: 'The face changed during the verification.',
    SPOOF_SUSPECTED: 'We could not confirm that a live person was in front of the camera.',
    NO_REFERENCE_PHOTO: 'The requesting service did not provide a photo to compare with, so the verification cannot be completed.',
    REFERENCE_PHOTO_NO_FACE: 'No face was found in the reference photo, so the verification cannot be completed.',
    NOT_SAME_PERSON: 'Your face does not match the registered photo.',
    MAX_ATTEMPTS_EXCEEDED: 'All attempts have been used.',
    MANUAL_REVIEW_REJECTED: 'A reviewer did not approve this verification.',
  },
  actionNotDetected: (a) => `We did not see you ${{ blink: 'blink', mouth_open: 'open your mouth', turn_left: 'turn to your left', turn_right: 'turn to your right', nod: 'nod' }[a]}. Make the movement a little clearer next time.`,
};

export const CATALOGUES: Record<Locale, Catalogue> = { 'zh-CN': zh, en };

/** The user-facing text for a server reason code such as `LIVENESS_ACTION_NOT_DETECTED:blink`. */
export function reasonMessage(c: Catalogue, reason: string | null | undefined): string {
  if (!reason) return '';
  const [key, arg] = reason.split(':') as [ReasonKey, string | undefined];
  if (key === 'LIVENESS_ACTION_NOT_DETECTED' && arg && arg in c.challenge) return c.actionNotDetected(arg as LivenessActionName);
  return c.reasons[key] ?? '';
}
