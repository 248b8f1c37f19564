// Scope by jurisdiction (domain/regions.ts): a region covers itself and the regions below it; a
// case stands in its filer's and its AUTHORITY's regions; national scope is granted, not implied.
import { describe, expect, it } from 'vitest';
import {
  actVisible, caseVisible, mayImportFor, readScopeOf, regionCovers, regionLevel, regionPrefix, regionProblem, scoreVisible,
  type CaseStanding, type ScopedAgency,
} from '../../domain/regions';

describe('region codes (GB/T 2260)', () => {
  it.each([
    ['330000', 'province', '33'], ['330100', 'city', '3301'], ['330106', 'district', '330106'],
    ['110000', 'province', '11'], ['110100', 'city', '1101'], ['110105', 'district', '110105'], ['429004', 'district', '429004'],
  ] as const)('%s is a %s, its regions start with %s', (code, level, prefix) => {
    expect(regionProblem(code)).toBeNull();
    expect(regionLevel(code)).toBe(level);
    expect(regionPrefix(code)).toBe(prefix);
  });

  it.each([['3301', /six-digit/], ['33010a', /six-digit/], ['990100', /not a GB\/T 2260 province/], ['000000', /province/], ['330006', /city digits/]])(
    '%s is refused', (code, why) => expect(regionProblem(code)).toMatch(why));

  it('a province covers its cities and districts; a city its districts; nothing covers a neighbour', () => {
    expect(regionCovers('330000', '330100')).toBe(true);
    expect(regionCovers('330000', '330106')).toBe(true);
    expect(regionCovers('330100', '330106')).toBe(true);
    expect(regionCovers('330100', '330100')).toBe(true);
    expect(regionCovers('330100', '330200')).toBe(false);
    expect(regionCovers('330106', '330100')).toBe(false);
    expect(regionCovers('330100', '330000')).toBe(false);
    expect(regionCovers('320000', '330106')).toBe(false);
  });
});

const agency = (over: Partial<ScopedAgency>): ScopedAgency => ({ id: 'me', roles: ['ENFORCEMENT'], region: '330100', nationalScope: false, ...over });
const hangzhouCase: CaseStanding = { originatorId: 'hz-enf', authorityId: 'hz-auth', implementerIds: ['hz-impl'], stepAgencyIds: ['zj-auth'], regions: ['330100', '330100'] };
const xihuCase: CaseStanding = { ...hangzhouCase, regions: ['330106', '330100'] };
const ningboCase: CaseStanding = { originatorId: 'nb-enf', authorityId: 'nb-auth', implementerIds: [], stepAgencyIds: [], regions: ['330200', '330200'] };

describe('who reads a case', () => {
  it('ENFORCEMENT, CREDIT, LEGAL and SUPERVISOR read the cases of their region and below', () => {
    for (const role of ['ENFORCEMENT', 'CREDIT', 'LEGAL', 'SUPERVISOR'] as const) {
      const scope = readScopeOf(agency({ roles: [role] }));
      expect(scope).toEqual({ kind: 'regional', agencyId: 'me', prefix: '3301' });
      expect(caseVisible(scope, hangzhouCase)).toBe(true);
      expect(caseVisible(scope, xihuCase)).toBe(true);
      expect(caseVisible(scope, ningboCase)).toBe(false);
    }
  });

  it('a district reads its district, not the rest of its city; a province reads every city of it', () => {
    const xihu = readScopeOf(agency({ region: '330106' }));
    expect(caseVisible(xihu, xihuCase)).toBe(true);
    expect(caseVisible(xihu, { ...hangzhouCase, regions: ['330105', '330100'] })).toBe(false);
    const zhejiang = readScopeOf(agency({ region: '330000', roles: ['SUPERVISOR'] }));
    expect([hangzhouCase, xihuCase, ningboCase].every((c) => caseVisible(zhejiang, c))).toBe(true);
    expect(caseVisible(zhejiang, { ...ningboCase, regions: ['320100', '320100'] })).toBe(false);
  });

  it('a case is in its AUTHORITY\'s region too: a case filed in Ningbo and addressed to Hangzhou is read in both', () => {
    const crossing: CaseStanding = { ...ningboCase, regions: ['330200', '330100'] };
    expect(caseVisible(readScopeOf(agency({})), crossing)).toBe(true);
    expect(caseVisible(readScopeOf(agency({ region: '330200' })), crossing)).toBe(true);
  });

  it('every agency reads the cases it filed, was addressed or was pushed, wherever they are', () => {
    const elsewhere = readScopeOf(agency({ id: 'nb-enf', region: '330100' }));
    expect(caseVisible(elsewhere, ningboCase)).toBe(true);
    for (const role of ['AUTHORITY', 'IMPLEMENTER'] as const) {
      expect(readScopeOf(agency({ id: 'hz-impl', roles: [role] })).kind).toBe('own');
      expect(caseVisible(readScopeOf(agency({ id: 'hz-impl', roles: [role] })), hangzhouCase)).toBe(true);
      expect(caseVisible(readScopeOf(agency({ id: 'other', roles: [role] })), hangzhouCase)).toBe(false);
    }
  });

  it('R4: an agency a step of the case is addressed to (the level above, a consultation, a complaint) reads it', () => {
    const province = readScopeOf(agency({ id: 'zj-auth', roles: ['AUTHORITY'], region: '330000' }));
    expect(caseVisible(province, hangzhouCase)).toBe(true);
    expect(caseVisible(province, ningboCase)).toBe(false);
  });

  it('national scope is granted explicitly, to a regional reader only; no region reads only its own', () => {
    expect(caseVisible(readScopeOf(agency({ nationalScope: true })), { ...ningboCase, regions: ['110105', '110100'] })).toBe(true);
    expect(readScopeOf(agency({ roles: ['IMPLEMENTER'], nationalScope: true })).kind).toBe('own');
    expect(readScopeOf(agency({ region: null }))).toEqual({ kind: 'own', agencyId: 'me' });
    expect(readScopeOf(agency({ region: '3301' })).kind).toBe('own');
  });
});

describe('who reads a score (R15)', () => {
  const hzAct = { recordedBy: 'hz-enf', region: '330100' };
  const nbAct = { recordedBy: 'nb-enf', region: '330200' };
  const credit = readScopeOf(agency({ id: 'hz-credit', roles: ['CREDIT'] }));

  it('R15: an act stands in the region of the agency that recorded it; its recorder reads it wherever it is', () => {
    expect(actVisible(credit, hzAct)).toBe(true);
    expect(actVisible(credit, nbAct)).toBe(false);
    expect(actVisible(readScopeOf(agency({ id: 'nb-enf', roles: ['ENFORCEMENT'], region: '330200' })), nbAct)).toBe(true);
    expect(actVisible(readScopeOf(agency({ id: 'hz-auth', roles: ['AUTHORITY'] })), hzAct)).toBe(false);
  });

  it('R15: the score is read whole: every act seen, or a case its tiers filed; national scope reads it all', () => {
    expect(scoreVisible(credit, [hzAct], [])).toBe(true);
    expect(scoreVisible(credit, [hzAct, nbAct], [])).toBe(false);
    expect(scoreVisible(credit, [hzAct, nbAct], [hangzhouCase])).toBe(true);
    expect(scoreVisible(readScopeOf(agency({ id: 'hz-auth', roles: ['AUTHORITY'] })), [nbAct], [hangzhouCase])).toBe(true);
    expect(scoreVisible(readScopeOf(agency({ id: 'other-auth', roles: ['AUTHORITY'] })), [hzAct], [hangzhouCase])).toBe(false);
    expect(scoreVisible(readScopeOf(agency({ roles: ['CREDIT'], nationalScope: true })), [nbAct], [])).toBe(true);
    expect(scoreVisible(credit, [], [])).toBe(false);
  });
});

describe('whom an import may file for (issue 17, filedBy)', () => {
  const hzEnforcement = agency({ id: 'hz-enf', roles: ['ENFORCEMENT'], region: '330106' });
  const nbEnforcement = agency({ id: 'nb-enf', roles: ['ENFORCEMENT'], region: '330203' });

  it('R2: a CREDIT agency imports for the agencies of its region and below, not another city\'s', () => {
    const hzCredit = agency({ id: 'hz-credit', roles: ['CREDIT'], region: '330100' });
    expect(mayImportFor(hzCredit, hzEnforcement)).toBe(true);
    expect(mayImportFor(hzCredit, nbEnforcement)).toBe(false);
    expect(mayImportFor(hzCredit, hzCredit)).toBe(true);
  });

  it('R2: national scope imports for any region; an ADMIN for any agency; a CREDIT agency with no valid region only for itself', () => {
    expect(mayImportFor(agency({ id: 'nat', roles: ['CREDIT'], nationalScope: true }), nbEnforcement)).toBe(true);
    expect(mayImportFor(agency({ id: 'adm', roles: ['ADMIN'], region: null }), nbEnforcement)).toBe(true);
    expect(mayImportFor(agency({ id: 'lost', roles: ['CREDIT'], region: null }), hzEnforcement)).toBe(false);
  });
});
