// R13: the pure rules of persons as targets of their own (domain/persons.ts).
import { describe, expect, it } from 'vitest';
import { derivedCaseId, derivedFiling, splitForPersons } from '../../domain/persons';
import type { PinnedMeasure } from '../../domain/measures';

const measure = (code: string, over: Partial<PinnedMeasure> = {}): PinnedMeasure => ({
  code, version: 1, category: 'R6', period: { years: 3 }, legalMinimum: null, feedbackSet: true, outsideLocalAuthority: false,
  implementerKind: 'approval_agency', ...over,
});

describe('R13 persons of an enterprise case', () => {
  it('R13: the measures marked onPersons fall on the persons, the others stay with the enterprise', () => {
    const ban = measure('DM-R6-OFFICE-LEGALREP-3Y', { onPersons: true });
    const publicity = measure('DM-R8-PUBLICITY-ADVERSE', { category: 'R8' });
    expect(splitForPersons([publicity, ban])).toEqual({ own: [publicity], persons: [ban] });
    expect(splitForPersons([publicity])).toEqual({ own: [publicity], persons: [] });
  });

  it('R13: a derived case id is one per enterprise case and person, and tells them apart', () => {
    expect(derivedCaseId('C1', 'Pa')).toBe('C1-Pa');
    expect(derivedCaseId('C1', 'Pa')).not.toBe(derivedCaseId('C1', 'Pb'));
    expect(derivedCaseId('C1', 'Pa')).not.toBe(derivedCaseId('C2', 'Pa'));
    expect(derivedCaseId(`C${'0'.repeat(24)}`, `P${'f'.repeat(24)}`).length).toBeLessThanOrEqual(64); // the routes' caseId limit
  });

  it("R13: a person's filing keeps the enterprise's document, filer and AUTHORITY, takes the persons' measures as its own and asks no consultation twice", () => {
    const filed = {
      caseId: 'C1', actor: 'ag-enf', authorityId: 'ag-auth', document: { number: '杭市管罚〔2026〕1号' }, consultWith: ['ag-credit'], legalReview: 'ag-legal',
      repeated: false, seriousness: 'serious', measures: [measure('DM-R8-PUBLICITY-ADVERSE'), measure('DM-R6-OFFICE-LEGALREP-3Y', { onPersons: true })],
    };
    const derived = derivedFiling(filed, 'E1', 'Pa', false);
    expect(derived).toMatchObject({
      caseId: 'C1-Pa', actor: 'ag-enf', authorityId: 'ag-auth', document: filed.document, consultWith: [], legalReview: null,
      repeated: false, seriousness: 'serious', derivedFrom: { caseId: 'C1', targetId: 'E1' },
    });
    expect(derived.measures).toEqual([measure('DM-R6-OFFICE-LEGALREP-3Y')]);
    expect(derived.measures[0]).not.toHaveProperty('onPersons');
    expect(derivedFiling(filed, 'E1', 'Pa', true).repeated).toBe(true);
    expect(derivedFiling({ ...filed, repeated: true }, 'E1', 'Pa', false).repeated).toBe(true);
  });
});
