// Target and case ids. A target id is a keyed hash of the identifying number, so identity
// numbers never reach workflow ids, search attributes or logs; the mapping lives in PostgreSQL.
import { createHash, createHmac } from 'node:crypto';

export function targetIdOf(key: string, kind: 'enterprise' | 'person', identifier: string): string {
  const prefix = kind === 'enterprise' ? 'E' : 'P';
  return prefix + createHmac('sha256', key).update(`${kind}:${identifier}`).digest('hex').slice(0, 24);
}

/** One case per issuer and document number (intake is idempotent on them). */
export function caseIdOf(issuer: string, documentNumber: string): string {
  return `C${createHash('sha256').update(`${issuer}\n${documentNumber}`).digest('hex').slice(0, 24)}`;
}
