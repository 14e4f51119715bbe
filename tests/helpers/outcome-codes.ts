import fs from 'node:fs';
import path from 'node:path';
import { CATALOGUES } from '../../lib/i18n/messages';
import { LIVENESS_ACTIONS } from '../../lib/store/scenes';
import { IMAGE_KINDS } from '../../lib/verification/materials';
import { ROOT } from './server';

/**
 * Every code the core writes to AuditConclusions, at run time: the H5 reasons (from the page's
 * catalogue, which is typed over ReasonCode), each action of LIVENESS_ACTION_NOT_DETECTED, and
 * the literals RPMin writes in material-verification.ts.
 */
export function coreOutcomeCodes(): string[] {
  const codes = new Set<string>(['PASS']);
  for (const k of Object.keys(CATALOGUES['zh-CN'].reasons)) {
    if (k === 'LIVENESS_ACTION_NOT_DETECTED') for (const a of LIVENESS_ACTIONS) codes.add(`${k}:${a}`);
    else codes.add(k);
  }
  const src = fs.readFileSync(path.join(ROOT, 'lib/verification/material-verification.ts'), 'utf8');
  for (const m of src.matchAll(/AuditConclusions: ['`]([A-Z_]+(?::[A-Za-z]+)?)(:\$\{[^}]+\})?['`]/g)) {
    if (m[2]) for (const kind of IMAGE_KINDS) codes.add(`${m[1]}:${kind}`);
    else codes.add(m[1]!);
  }
  return [...codes];
}
