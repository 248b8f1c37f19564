import { describe, expect, it } from 'vitest';
import { creditCodeProblem, idNumberProblem, maskIdNumber } from '../../domain/identifiers';

describe('R2/R3 intake identifiers', () => {
  it.each(['91330100799655058B', '91440300708461136T', '91330106MA2H3X0A1H'])(
    'accepts the unified social credit code %s (GB 32100-2015)', (code) => {
      expect(creditCodeProblem(code)).toBeNull();
    });

  it('names the expected check character of a wrong credit code', () => {
    expect(creditCodeProblem('91330100799655058C')).toBe('check character should be B (GB 32100-2015)');
  });

  it.each(['91330100799655058', '9133010079965505IB', '91330100799655058b'])('refuses the malformed code %s', (code) => {
    expect(creditCodeProblem(code)).toMatch(/18 characters/);
  });

  it('accepts the GB 11643-1999 example identity number and names the expected check digit otherwise', () => {
    expect(idNumberProblem('11010519491231002X')).toBeNull();
    expect(idNumberProblem('110105194912310021')).toBe('check digit should be X (GB 11643-1999)');
    expect(idNumberProblem('110105194902300021')).toBe('contains an impossible date of birth');
    expect(idNumberProblem('11010519491231002')).toMatch(/17 digits/);
  });

  it('masks an identity number, keeping only region and the last four', () => {
    expect(maskIdNumber('11010519491231002X')).toBe('110105********002X');
  });
});
