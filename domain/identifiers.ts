// Identifiers of disciplinary targets: the unified social credit code of an enterprise
// (统一社会信用代码, GB 32100-2015) and the resident identity number of a person
// (公民身份号码, GB 11643-1999). Both carry a check character that is verified.
import { parseIsoDate } from './dates';

const USCC_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** The check character of the first 17 characters of a unified social credit code (GB 32100-2015). */
export function creditCodeCheck(body: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i += 1) sum += USCC_CHARSET.indexOf(body[i]) * USCC_WEIGHTS[i];
  return USCC_CHARSET[(31 - (sum % 31)) % 31];
}

/** Why a unified social credit code is invalid, or null when it is valid. */
export function creditCodeProblem(code: string): string | null {
  if (!/^[0-9A-HJ-NPQRTUWXY]{18}$/.test(code)) {
    return 'must be 18 characters of digits and upper-case letters other than I, O, S, V, Z';
  }
  const expected = creditCodeCheck(code);
  return code[17] === expected ? null : `check character should be ${expected} (GB 32100-2015)`;
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** The check character of the first 17 digits of a resident identity number (GB 11643-1999). */
export function idNumberCheck(body: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i += 1) sum += Number(body[i]) * ID_WEIGHTS[i];
  return ID_CHECK[sum % 11];
}

/** Why a resident identity number is invalid, or null when it is valid. */
export function idNumberProblem(id: string): string | null {
  if (!/^\d{17}[\dX]$/.test(id)) return 'must be 17 digits followed by a digit or X';
  const birth = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
  if (!parseIsoDate(birth)) return 'contains an impossible date of birth';
  let sum = 0;
  for (let i = 0; i < 17; i += 1) sum += Number(id[i]) * ID_WEIGHTS[i];
  const expected = ID_CHECK[sum % 11];
  return id[17] === expected ? null : `check digit should be ${expected} (GB 11643-1999)`;
}

/** 110101********123X: enough to recognise, never the whole number. */
export function maskIdNumber(id: string): string {
  return `${id.slice(0, 6)}********${id.slice(14)}`;
}

/**
 * A document number as the registry of numbers compares it (R2, R3): compatibility forms folded
 * (full-width digits and letters, NFKC), white space removed, and the bracket shapes clerks type
 * for the year (〔2026〕, [2026], （2026）, 【2026】) made one, so one document is one number.
 */
export function documentNumberKey(number: string): string {
  return number.normalize('NFKC').replace(/\s+/g, '')
    .replace(/[[(（【〔［]/g, '〔').replace(/[\])）】〕］]/g, '〕').toUpperCase();
}
