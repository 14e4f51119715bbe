/**
 * Every error the RPC API can answer, with its HTTP status. Codes follow Aliyun's public
 * conventions (signature/parameter codes) and the Cloudauth seeds (InvalidParam.*, Error.*).
 * The README's error table is generated from this catalogue's meaning: keep them in step.
 */
export const RPC_ERRORS = {
  MissingParameter: 400,
  InvalidParameter: 400,
  'InvalidParameter.Format': 400,
  InvalidVersion: 400,
  'InvalidAction.NotFound': 404,
  UnsupportedHTTPMethod: 405,
  'InvalidParameter.BodyTooLarge': 413,
  MissingAccessKeyId: 400,
  'InvalidAccessKeyId.NotFound': 404,
  'InvalidAccessKeyId.Inactive': 400,
  IncompleteSignature: 400,
  'SignatureDoesNotMatch': 400,
  'InvalidSignatureMethod': 400,
  'SignatureNonceUsed': 400,
  'InvalidTimeStamp.Format': 400,
  'InvalidTimeStamp.Expired': 400,
  'InvalidParam.Biz': 400,
  'InvalidParam.TicketId': 400,
  'InvalidParam.Binding': 400,
  'InvalidParam.IdentificationNumber': 400,
  'InvalidParam.Name': 400,
  'InvalidParam.ImageValuePatternError': 400,
  'InvalidParam.ImageTooLarge': 400,
  'InvalidParam.ImageFormatUnsupported': 400,
  'InvalidParam.ImageFetchForbidden': 400,
  'InvalidParam.ImageFetchFailed': 400,
  'InvalidParam.OssNotSupported': 400,
  'InvalidParam.RecordNotFound': 404,
  'InvalidParam.ImageTypeEmpty': 400,
  'InvalidParam.ImageTypeInvalid': 400,
  'InvalidParam.FacePicNotGiven': 400,
  'InvalidParam.ImageDimensionsTooLarge': 400,
  'Error.NoFaceDetected': 400,
  'Error.DuplicatedTicketId': 400,
  'Throttling.User': 400,
  InternalError: 500,
  ServiceUnavailable: 503,
} as const;

export type RpcErrorCode = keyof typeof RPC_ERRORS;

export class RpcError extends Error {
  readonly status: number;
  constructor(
    readonly code: RpcErrorCode,
    message: string,
  ) {
    super(message);
    this.status = RPC_ERRORS[code];
  }
}
