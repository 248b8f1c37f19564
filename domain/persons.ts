// R13 The persons listed with an enterprise's case, by their role in it (003 (十二): 法定代表人、
// 主要负责人、实际控制人…; 002 篇三 (七): 董事、监事、高级管理人员、股东). One registry: intake's
// schema, the table's column and the labels the dashboard shows all read it.
import type { PinnedMeasure } from './measures';

export const PERSON_ROLE_LABELS = {
  legal_representative: '法定代表人',
  principal: '主要负责人',
  responsible_person: '直接责任人员',
  actual_controller: '实际控制人',
  director: '董事',
  supervisor: '监事',
  senior_manager: '高级管理人员',
  shareholder: '股东',
} as const;
export type PersonRole = keyof typeof PERSON_ROLE_LABELS;
export const PERSON_ROLES = Object.keys(PERSON_ROLE_LABELS) as [PersonRole, ...PersonRole[]];

// ---------------------------------------------------------------------------------------------
// R13 A person listed with an enterprise's case is a target of its own (a keyed hash of its
// identity number, the number itself kept only in PostgreSQL). The measures of the case that
// apply to persons and not to enterprises (任职资格限制, 职业禁入, 限制出境 …) fall on the persons:
// each person gets a case of its own, derived from the enterprise's case (same document, same
// filing agency and AUTHORITY, those measures with their periods), and runs it in its own
// workflow: receipt, push, implementers, reports, period end, objection, release and repair.
// The persons' discipline follows the enterprise's cause (003 (十二)): when the AUTHORITY releases
// the enterprise's case because the cause fell (R11: an objection or complaint upheld, the cause
// revoked), the persons' derived cases are released with it, each by its own workflow.

/** The id of the case a person takes from an enterprise's case: one per enterprise case and person. */
export function derivedCaseId(enterpriseCaseId: string, personTargetId: string): string {
  return `${enterpriseCaseId}-${personTargetId}`;
}

/** R13: on an enterprise's case, a measure marked `onPersons` (it applies to persons only) falls on the persons listed. */
export function splitForPersons<M extends { onPersons?: boolean }>(measures: M[]): { own: M[]; persons: M[] } {
  return { own: measures.filter((m) => !m.onPersons), persons: measures.filter((m) => m.onPersons) };
}

/** What a derived case carries of its enterprise's filing. */
export interface EnterpriseFiling {
  caseId: string;
  measures: PinnedMeasure[];
  consultWith: string[];
  legalReview: string | null;
  repeated: boolean;
}

/**
 * R13: a person's filing derived from its enterprise's: the same document, filer, AUTHORITY,
 * instant and seriousness, the measures that fall on persons (now the person's own), linked to
 * the enterprise's case. Consultations and the legal review belong to the enterprise's case and
 * are not asked twice; a repeated serious case of the person (R12) makes the person's repeated.
 */
export function derivedFiling<F extends EnterpriseFiling>(
  f: F, enterpriseTargetId: string, personTargetId: string, personRepeated: boolean,
): F & { derivedFrom: { caseId: string; targetId: string } } {
  const measures: PinnedMeasure[] = splitForPersons(f.measures).persons.map(({ onPersons: _, ...m }) => m);
  return {
    ...f, caseId: derivedCaseId(f.caseId, personTargetId), measures, consultWith: [], legalReview: null,
    repeated: f.repeated || personRepeated, derivedFrom: { caseId: f.caseId, targetId: enterpriseTargetId },
  };
}
