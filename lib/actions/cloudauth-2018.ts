import type { ActionWire } from './action';

/**
 * The 2018-09-16 family as seed 002 documents it. Every version of its release notes is served
 * with the same parameters and answers (later versions only added fields, which older clients
 * ignore); DetectFaceAttributes first appeared in 2018-07-03. CompareFaces and
 * DetectFaceAttributes are also called by the 2019-03-07 SDK, whose requests carry neither
 * RegionId nor RetAttributes: there the 2018 rules below do not apply.
 */
export const RELEASE_NOTE_VERSIONS = ['2017-10-10', '2017-11-17', '2018-05-04', '2018-07-03', '2018-08-07', '2018-09-16'] as const;

const ALL = new Set<string>(RELEASE_NOTE_VERSIONS);
const FROM_2018_07_03 = new Set<string>(RELEASE_NOTE_VERSIONS.filter((v) => v >= '2018-07-03'));

const base = { regionRequired: true, missingCode: 'InvalidParam.ParamMissing', internalError: 'Error.InternalError' } as const;

/** GetStatus, GetVerifyToken: GET or POST, ParamMissing 400. */
export const QUERY_WIRE: ActionWire = { ...base, versions: ALL, postOnly: false };
/** SubmitMaterials, SubmitVerification: POST only, ParamMissing 403, their own internal error. */
export const SUBMIT_WIRE: ActionWire = { ...base, versions: ALL, postOnly: true, internalError: 'Error.SubmitMaterialsError', statusOverrides: { 'InvalidParam.ParamMissing': 403 } };
const SDK_2019 = new Set(['2019-03-07']);
export const COMPARE_FACES_WIRE: ActionWire = { ...base, versions: ALL, alsoServedIn: SDK_2019, postOnly: true, internalError: 'Error.CompareFacesError', statusOverrides: { 'InvalidParam.ParamMissing': 403 } };
export const DETECT_WIRE: ActionWire = { ...base, versions: FROM_2018_07_03, alsoServedIn: SDK_2019, postOnly: true };

export const is2018Call = (wire: ActionWire | undefined, version: string) => !!wire?.versions.has(version);
