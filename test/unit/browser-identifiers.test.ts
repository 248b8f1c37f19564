// The workbench checks a credit code and an identity number while the clerk types
// (api/dashboard/js/identifiers.js, plain browser JavaScript); the API checks them again
// (domain/identifiers.ts). Both must agree on every input, or a clerk would see "校验通过" for a
// number the API refuses, or the reverse.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as browser from '../../api/dashboard/js/identifiers.js';
import { creditCodeCheck, creditCodeProblem, idNumberCheck, idNumberProblem } from '../../domain/identifiers';

const USCC = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const chars = (alphabet: string, n: number) => fc.array(fc.constantFrom(...alphabet), { minLength: n, maxLength: n }).map((a) => a.join(''));
/** Half the time the right check character, so that valid codes are drawn as often as wrong ones. */
const withCheck = (body: fc.Arbitrary<string>, check: (b: string) => string, last: string) =>
  fc.tuple(body, fc.boolean(), fc.constantFrom(...last)).map(([b, right, c]) => b + (right ? check(b) : c));

describe('R2/R3 identifiers: the browser\'s check agrees with the API\'s', () => {
  it('R2: a unified social credit code is valid in the browser exactly when the API accepts it, and both name the same check character', () => {
    fc.assert(fc.property(withCheck(chars(USCC, 17), creditCodeCheck, USCC), (code) => {
      expect(browser.creditCodeProblem(code) === null).toBe(creditCodeProblem(code) === null);
      const expected = creditCodeCheck(code);
      if (code[17] !== expected) expect(browser.creditCodeProblem(code)).toContain(`校验码应为 ${expected}`);
    }), { numRuns: 2000 });
    for (const bad of ['9133010079965505', '91330100799655058BB', '9133010079965505IB', '91330100799655058b']) {
      expect(browser.creditCodeProblem(bad)).not.toBeNull();
      expect(creditCodeProblem(bad)).not.toBeNull();
    }
  });

  it('R13: a resident identity number is valid in the browser exactly when the API accepts it (check digit and date of birth)', () => {
    const birth = fc.date({ min: new Date('1900-01-01'), max: new Date('2030-12-31'), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10).replace(/-/g, ''));
    const impossible = fc.constantFrom('19490230', '20010229', '19991301', '19990100');
    const body = fc.tuple(chars('0123456789', 6), fc.oneof(birth, impossible), chars('0123456789', 3)).map((p) => p.join(''));
    fc.assert(fc.property(withCheck(body, idNumberCheck, '0123456789X'), (id) => {
      expect(browser.idNumberProblem(id) === null).toBe(idNumberProblem(id) === null);
    }), { numRuns: 2000 });
    expect(browser.idNumberProblem('11010519491231002X')).toBeNull();
    expect(browser.idNumberProblem('110105194912310021')).toBe('校验码应为 X（GB 11643-1999）');
  });
});
