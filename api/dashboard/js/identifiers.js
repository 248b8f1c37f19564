// The checks the API makes on identifiers (domain/identifiers.ts), run while a clerk types: the
// unified social credit code (GB 32100-2015) and the resident identity number (GB 11643-1999).
// test/unit/browser-identifiers.test.ts holds these to the API's answers (identifiers.d.ts gives it their types).
const USCC_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** Why a credit code is wrong, in Chinese, or null when it is right. */
export function creditCodeProblem(code) {
  if (code.length !== 18) return `应为 18 位（现为 ${code.length} 位）`;
  if (!/^[0-9A-HJ-NPQRTUWXY]{18}$/.test(code)) return '只能包含数字和除 I、O、S、V、Z 以外的大写字母';
  let sum = 0;
  for (let i = 0; i < 17; i += 1) sum += USCC_CHARSET.indexOf(code[i]) * USCC_WEIGHTS[i];
  const expected = USCC_CHARSET[(31 - (sum % 31)) % 31];
  return code[17] === expected ? null : `校验码应为 ${expected}（GB 32100-2015）`;
}

/** Why an identity number is wrong, in Chinese, or null when it is right. */
export function idNumberProblem(id) {
  if (id.length !== 18) return `应为 18 位（现为 ${id.length} 位）`;
  if (!/^\d{17}[\dX]$/.test(id)) return '应为 17 位数字加 1 位数字或 X';
  const [y, m, d] = [Number(id.slice(6, 10)), Number(id.slice(10, 12)), Number(id.slice(12, 14))];
  const birth = new Date(Date.UTC(y, m - 1, d));
  if (birth.getUTCFullYear() !== y || birth.getUTCMonth() !== m - 1 || birth.getUTCDate() !== d) return '出生日期不存在';
  let sum = 0;
  for (let i = 0; i < 17; i += 1) sum += Number(id[i]) * ID_WEIGHTS[i];
  const expected = ID_CHECK[sum % 11];
  return id[17] === expected ? null : `校验码应为 ${expected}（GB 11643-1999）`;
}
