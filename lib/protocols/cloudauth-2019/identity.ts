import { z } from 'zod';
import { isValidIdNumber, isValidName } from '../../verification/id-number';
import { opt } from './envelope';

/** CertType / CertName / CertNo: only resident ID cards (GB 11643 checked), a plausible name. */
export const identityParams = {
  CertType: z.enum(['IDENTITY_CARD']).optional(),
  CertName: opt(64).refine((v) => v === undefined || isValidName(v), 'not a valid name'),
  CertNo: opt(32).refine((v) => v === undefined || isValidIdNumber(v), 'not a valid resident ID number (GB 11643)'),
};

export const normaliseCertNo = (v?: string) => v?.trim().toUpperCase();
