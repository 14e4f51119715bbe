/**
 * Chinese resident ID numbers (GB 11643-1999): 18 characters with an ISO 7064 MOD 11-2 check
 * character, or the legacy 15-digit form (no check digit, 2-digit year).
 */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

export function checkCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK[sum % 11]!;
}

function validDate(y: number, m: number, d: number): boolean {
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d && date.getTime() <= Date.now();
}

export function isValidIdNumber(raw: string): boolean {
  const id = raw.trim().toUpperCase();
  if (/^\d{17}[\dX]$/.test(id)) {
    const y = Number(id.slice(6, 10));
    if (y < 1880 || !validDate(y, Number(id.slice(10, 12)), Number(id.slice(12, 14)))) return false;
    return checkCharacter(id.slice(0, 17)) === id[17];
  }
  if (/^\d{15}$/.test(id)) return validDate(1900 + Number(id.slice(6, 8)), Number(id.slice(8, 10)), Number(id.slice(10, 12)));
  return false;
}

/** Names: Chinese (with the middle dot of minority names) or Latin letters, 2–64 characters. */
export function isValidName(raw: string): boolean {
  const name = raw.trim();
  return name.length >= 2 && name.length <= 64 && /^[\p{Script=Han}\p{L}·•.\-' ]+$/u.test(name) && !/^[·•.\-' ]|[·•.\-' ]$/.test(name);
}
