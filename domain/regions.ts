// Scope by jurisdiction: who reads which cases. Regions are 行政区划代码 (GB/T 2260, six digits:
// two for the province, two for the city, two for the county or district): 330000 Zhejiang ⊃
// 330100 Hangzhou ⊃ 330106 Xihu district. A region covers itself and every region below it.
//
// A case stands in the regions of the agency that filed it (R2, R3) and of the AUTHORITY it is
// addressed to (R5): discipline is decided and carried where the case is handled (谁决定、谁负责),
// which is known for every target, enterprise or person, from the day it is filed. Identifiers
// were the alternative: an identity number's first six digits are where a person's household was
// registered at birth, a credit code's digits 3–8 where an enterprise was registered, and neither
// says which agencies handle its cases now.
//
// Pure: no engine, no database (db/queries/scope.ts is the same rule in SQL).
import type { Role } from './roles';

/** GB/T 2260 provinces, autonomous regions, municipalities and SARs (the first two digits). */
const PROVINCES = new Set([
  '11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37', '41', '42', '43', '44', '45',
  '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65', '71', '81', '82',
]);

export type RegionLevel = 'province' | 'city' | 'district';

/** Why `code` is not a region code, or null. */
export function regionProblem(code: string): string | null {
  if (!/^[0-9]{6}$/.test(code)) return 'must be a six-digit 行政区划代码 (GB/T 2260), e.g. 330100';
  if (!PROVINCES.has(code.slice(0, 2))) return `${code.slice(0, 2)} is not a GB/T 2260 province code`;
  if (code.slice(2, 4) === '00' && code.slice(4) !== '00') return 'a district code needs its city digits (the 3rd and 4th)';
  return null;
}

/** 330000 a province, 330100 a city (or a municipality's 市辖区), anything else a county or district. */
export function regionLevel(code: string): RegionLevel {
  if (code.endsWith('0000')) return 'province';
  if (code.endsWith('00')) return 'city';
  return 'district';
}

/** The digits every region below `code` starts with: 33, 3301, 330106. */
export function regionPrefix(code: string): string {
  const level = regionLevel(code);
  return level === 'province' ? code.slice(0, 2) : level === 'city' ? code.slice(0, 4) : code;
}

/** Whether `outer` is `inner` or a region above it. */
export function regionCovers(outer: string, inner: string): boolean {
  return inner.startsWith(regionPrefix(outer));
}

/** The roles that read by region; an AUTHORITY or IMPLEMENTER reads only the cases it stands to. */
export const REGIONAL_READERS: readonly Role[] = ['ENFORCEMENT', 'CREDIT', 'LEGAL', 'SUPERVISOR'];

/**
 * What an agency reads: 'national' (granted explicitly, to a regional reader), 'regional' (the
 * cases of its region and below, plus those it stands to), or 'own' (only the cases it stands
 * to: filed, addressed to it, pushed to it).
 */
export type ReadScope =
  | { kind: 'national'; agencyId: string }
  | { kind: 'regional'; agencyId: string; prefix: string }
  | { kind: 'own'; agencyId: string };

export interface ScopedAgency {
  id: string;
  roles: readonly Role[];
  region: string | null;
  nationalScope: boolean;
}

export function readScopeOf(agency: ScopedAgency): ReadScope {
  const regional = agency.roles.some((r) => REGIONAL_READERS.includes(r));
  if (regional && agency.nationalScope) return { kind: 'national', agencyId: agency.id };
  // A regional reader without a valid region reads only its own cases: scope fails closed.
  if (regional && agency.region && !regionProblem(agency.region)) return { kind: 'regional', agencyId: agency.id, prefix: regionPrefix(agency.region) };
  return { kind: 'own', agencyId: agency.id };
}

/** A case as scope sees it: who stands to it, and the regions of its filer and its AUTHORITY. */
export interface CaseStanding {
  originatorId: string | null;
  authorityId: string | null;
  implementerIds: readonly string[];
  /** R4 the level above, R2/R3 a consulted agency, R11 a complaint's handler: a step of the case is addressed to them. */
  stepAgencyIds: readonly string[];
  regions: readonly (string | null)[];
}

export function standsToCase(agencyId: string, c: CaseStanding): boolean {
  return c.originatorId === agencyId || c.authorityId === agencyId || c.implementerIds.includes(agencyId)
    || c.stepAgencyIds.includes(agencyId);
}

export function caseVisible(scope: ReadScope, c: CaseStanding): boolean {
  if (scope.kind === 'national' || standsToCase(scope.agencyId, c)) return true;
  return scope.kind === 'regional' && c.regions.some((r) => r !== null && r.startsWith(scope.prefix));
}

/** R15: an act (失信行为) stands in the region of the agency that recorded it, as a case stands in its filer's. */
export interface ActStanding {
  recordedBy: string;
  region: string | null;
}

export function actVisible(scope: ReadScope, a: ActStanding): boolean {
  if (scope.kind === 'national' || a.recordedBy === scope.agencyId) return true;
  return scope.kind === 'regional' && a.region !== null && a.region.startsWith(scope.prefix);
}

/**
 * R15: a score is a total over every act of the target, so it is read whole or not at all: by an
 * agency that sees every act, or one that sees a case the target's tiers filed (their AUTHORITY,
 * implementers and region carry the tier's measures and are told why).
 */
export function scoreVisible(scope: ReadScope, acts: readonly ActStanding[], tierCases: readonly CaseStanding[]): boolean {
  if (scope.kind === 'national') return true;
  return (acts.length > 0 && acts.every((a) => actVisible(scope, a))) || tierCases.some((c) => caseVisible(scope, c));
}

/**
 * Issue 17: whom an importing agency may file cases for (`filedBy`): an ADMIN for any agency (its
 * acts are on the audit trail), a CREDIT agency for agencies of the region it reads (its region and
 * below, or every region when national), itself always. The case then belongs to the filer.
 */
export function mayImportFor(importer: ScopedAgency, filer: ScopedAgency): boolean {
  if (filer.id === importer.id || importer.roles.includes('ADMIN')) return true;
  const scope = readScopeOf(importer);
  if (scope.kind === 'national') return true;
  return scope.kind === 'regional' && filer.region !== null && filer.region.startsWith(scope.prefix);
}
