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
  UnsupportedHTTPMethod: 400,
  InvalidRegionId: 400,
  'InvalidParameter.BodyTooLarge': 413,
  MissingAccessKeyId: 400,
  'InvalidAccessKeyId.NotFound': 404,
  IncompleteSignature: 400,
  'SignatureDoesNotMatch': 400,
  'InvalidSignatureMethod': 400,
  'SignatureNonceUsed': 400,
  'InvalidTimeStamp.Format': 400,
  'InvalidTimeStamp.Expired': 400,
  // The 2018-09-16 actions' own tables (seed 002); ParamMissing is 403 for three actions (see
  // ActionWire.statusOverrides in lib/actions/cloudauth-2018.ts).
  'InvalidParam.ParamMissing': 400,
  'InvalidParam.InvalidBiz': 400,
  'InvalidParam.VerifyTokenExpired': 400,
  'InvalidParam.MaterialsEmpty': 400,
  'InvalidParam.MaterialsNotValid': 403,
  'InvalidParam.RetAttributesNotSupported': 400,
  'Error.NoPermissionAccess': 403,
  'Error.MaterialsInsufficient': 403,
  'Error.MaterialsUploadError': 500,
  'Error.InternalError': 500,
  'Error.GetMaterialsError': 500,
  'Error.SubmitMaterialsError': 500,
  'Error.CompareFacesError': 500,
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
  'Error.DuplicatedTicketId': 403,
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
    /** An internal failure (not the caller's fault): a documented family answers its own internal-error code instead. */
    readonly internal = false,
  ) {
    super(message);
    this.status = RPC_ERRORS[code];
  }

  /** The same error under another code (an action's own table names it differently), same message. */
  as(code: RpcErrorCode): RpcError {
    return new RpcError(code, this.message, this.internal);
  }
}
