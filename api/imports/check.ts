// Issue 17, bulk import: each row is checked as POST /cases checks a request (its JSON Schema,
// who may file its source, then intake's own checks: ../routes/intake-check.ts), and then the
// steps it says were already taken: dates in order and not in the future, implementers as the R5
// push admits them (judged by the workflow's own rule, domain/loop/judge-steps.ts).
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyInstance } from 'fastify';
import { agencyById, type Agency } from '../../db/agencies';
import { parseIsoDate } from '../../domain/dates';
import { mayImportFor } from '../../domain/regions';
import { judgePush } from '../../domain/loop/judge-steps';
import type { CaseState, TakenSteps } from '../../workflows/messages';
import { badRequest, DomainError, schemaProblem } from '../errors';
import { implementersOf } from '../routes/action-table';
import { checkCase, roleFiling, type CheckedCase } from '../routes/intake-check';
import { caseBody, type CaseBody } from '../routes/intake-schema';

const isoDate = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } as const;
const text = (max: number) => ({ type: 'string', minLength: 1, maxLength: max } as const);

/** POST /cases's body, with the filing agency and the steps already taken. */
export const importRowSchema = {
  ...caseBody,
  properties: {
    ...caseBody.properties,
    filedBy: { ...text(100), description: 'the agency whose case it is; default the importing agency' },
    taken: {
      type: 'object', additionalProperties: false,
      properties: {
        filedOn: isoDate, receivedOn: isoDate, pushedOn: isoDate, acknowledgedOn: isoDate,
        implementers: {
          type: 'array', minItems: 1, maxItems: 50,
          items: {
            type: 'object', additionalProperties: false, required: ['agencyId', 'measures'],
            properties: { agencyId: text(100), measures: { type: 'array', minItems: 1, maxItems: 100, items: text(64) } },
          },
        },
        inForceSince: { anyOf: [isoDate, { type: 'object', maxProperties: 100, additionalProperties: isoDate }] },
      },
    },
  },
} as const;

// The options Fastify validates POST /cases with (api/app.ts), defaults filled in as it fills them.
// Formats (date, …) as Fastify's compiler adds them, so a row's dates are held to the schema's `format`.
const validateRow = addFormats(new Ajv({ allErrors: false, removeAdditional: false, coerceTypes: 'array', useDefaults: true, strict: false })).compile(importRowSchema);

interface TakenInput {
  filedOn?: string; receivedOn?: string; pushedOn?: string; acknowledgedOn?: string;
  implementers?: { agencyId: string; measures: string[] }[];
  inForceSince?: string | Record<string, string>;
}
export type RowTaken = Omit<TakenSteps, 'importId' | 'importedBy' | 'importedAt'>;

/** An accepted row: the case as intake checked it, its filing agency, the day it was filed and what it had done. */
export interface AcceptedRow {
  checked: CheckedCase;
  actor: string;
  filedOn: string | null;
  taken: RowTaken | null;
}

export interface Refusal {
  row: number;
  field: string | null;
  reason: string;
}

/** Agencies looked up once per import. */
export function agencyCache(app: FastifyInstance): (id: string) => Promise<Agency | null> {
  const seen = new Map<string, Promise<Agency | null>>();
  return (id) => {
    if (!seen.has(id)) seen.set(id, agencyById(app.deps.db, id));
    return seen.get(id)!;
  };
}

/** One row: accepted, or refused naming the field and why (the first problem, as POST /cases answers one). */
export async function checkRow(app: FastifyInstance, importer: Agency, agencyOf: (id: string) => Promise<Agency | null>,
  value: Record<string, unknown>, today: string): Promise<AcceptedRow | { field: string | null; reason: string }> {
  if (!validateRow(value)) return schemaProblem(validateRow.errors![0], 'body');
  const { filedBy, taken, ...rest } = value as unknown as CaseBody & { filedBy?: string; taken?: TakenInput };
  try {
    const filer = filedBy ? await agencyOf(filedBy) : importer;
    if (!filer) throw badRequest('filedBy', `no agency ${filedBy}`);
    if (!mayImportFor(importer, filer)) throw badRequest('filedBy', `${filer.name} is outside the region ${importer.name} reads: a CREDIT agency imports for the agencies of its region`);
    // R2, R3: the case belongs to an agency that may file it, as POST /cases requires of its caller.
    const needed = roleFiling(rest.source);
    if (!filer.roles.includes(needed)) {
      throw badRequest(filedBy ? 'filedBy' : 'source', `a ${rest.source} is filed by ${needed}; ${filer.name} is not${filedBy ? '' : ' (name the filing agency in filedBy)'}`);
    }
    const checked = await checkCase(app, rest, today);
    return { checked, actor: filer.id, ...await checkTaken(app, checked, taken, today) };
  } catch (err) {
    if (err instanceof DomainError) return { field: err.field, reason: err.reason };
    throw err;
  }
}

function checkDate(field: string, v: string, today: string, after?: [string, string]): void {
  if (!parseIsoDate(v)) throw badRequest(field, 'is not a real calendar date');
  if (v > today) throw badRequest(field, `is in the future (today is ${today} in Asia/Shanghai)`);
  if (after && v < after[1]) throw badRequest(field, `is before ${after[0]} (${after[1]})`);
}

/**
 * The steps already taken, in their order: filed (pushed to the AUTHORITY, R2/R3), received,
 * pushed to implementers, acknowledged (R5), in force (R6–R8). A row that took none files the
 * case as POST /cases would, on the day it was filed.
 */
async function checkTaken(app: FastifyInstance, checked: CheckedCase, t: TakenInput | undefined, today: string): Promise<{ filedOn: string | null; taken: RowTaken | null }> {
  if (!t) return { filedOn: null, taken: null };
  const decided: [string, string] = checked.filing.receivedOn ? ['receivedOn', checked.filing.receivedOn] : ['document.issuedOn', checked.filing.document.issuedOn];
  if (t.filedOn) checkDate('taken.filedOn', t.filedOn, today, decided);
  const filed: [string, string] = t.filedOn ? ['taken.filedOn', t.filedOn] : ['taken.filedOn, which is today when not given', today];
  if (t.receivedOn) checkDate('taken.receivedOn', t.receivedOn, today, filed);
  if (!t.implementers) {
    for (const k of ['pushedOn', 'acknowledgedOn', 'inForceSince'] as const) {
      if (t[k]) throw badRequest(`taken.${k}`, 'needs taken.implementers: the implementers the measures were pushed to (R5)');
    }
    return { filedOn: t.filedOn ?? null, taken: t.receivedOn ? { receivedOn: t.receivedOn, implementers: [], inForceSince: {} } : null };
  }
  if (!t.pushedOn) throw badRequest('taken.pushedOn', 'is required with taken.implementers: the day of the push to implementers (R5)');
  checkDate('taken.pushedOn', t.pushedOn, today, t.receivedOn ? ['taken.receivedOn', t.receivedOn] : filed);
  if (t.acknowledgedOn) checkDate('taken.acknowledgedOn', t.acknowledgedOn, today, ['taken.pushedOn', t.pushedOn]);
  const implementers = await prefixed('taken.', () => implementersOf(app, { authorityId: checked.filing.authorityId }, t.implementers!));
  // R5: the workflow's own rule for a push: each measure of the case, to an implementer of its kind, once.
  const fresh = { measures: checked.filing.measures, implementers: [], notApplicable: [] } as unknown as CaseState;
  const verdict = judgePush(fresh, 'pushToImplementers', { implementers } as never);
  if (verdict) throw badRequest('taken.implementers', verdict.message);
  return {
    filedOn: t.filedOn ?? null,
    taken: {
      receivedOn: t.receivedOn ?? null,
      implementers: implementers.map((i) => ({ ...i, pushedOn: t.pushedOn!, acknowledgedOn: t.acknowledgedOn ?? null })),
      inForceSince: inForceSince(t, implementers.flatMap((i) => i.measures), checked.filing.document.issuedOn, today),
    },
  };
}

/** R6–R8: the first day in force of each pushed measure, from one date or one per code. */
function inForceSince(t: TakenInput, pushed: string[], issuedOn: string, today: string): Record<string, string> {
  if (!t.inForceSince) return {};
  if (!t.acknowledgedOn) throw badRequest('taken.inForceSince', 'needs taken.acknowledgedOn: a measure is in force once its implementer acknowledged it (R6–R8)');
  const given = typeof t.inForceSince === 'string' ? Object.fromEntries(pushed.map((code) => [code, t.inForceSince as string])) : t.inForceSince;
  for (const [code, on] of Object.entries(given)) {
    const field = typeof t.inForceSince === 'string' ? 'taken.inForceSince' : `taken.inForceSince.${code}`;
    if (!pushed.includes(code)) throw badRequest(field, `${code} was not pushed to an implementer in taken.implementers`);
    checkDate(field, on, today, ['document.issuedOn', issuedOn]);
  }
  return given;
}

async function prefixed<T>(prefix: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof DomainError && err.field) throw badRequest(`${prefix}${err.field}`, err.reason);
    throw err;
  }
}
