// Valid identifiers for tests, a different one for each number (the API checks them like real ones).
import { creditCodeCheck, idNumberCheck } from '../../domain/identifiers';

/** 9 (market supervision) 1 (enterprise) 330100 (Hangzhou), a nine-digit organisation code from `n`, the check character. */
export function creditCodeOf(n: number): string {
  const body = `91330100${String(n).padStart(9, '0')}`;
  return body + creditCodeCheck(body);
}

/** A Hangzhou resident born in 1980, the sequence number from `n`. */
export function idNumberOf(n: number): string {
  const body = `330106198001${String(1 + (n % 28)).padStart(2, '0')}${String(n % 1000).padStart(3, '0')}`;
  return body + idNumberCheck(body);
}
