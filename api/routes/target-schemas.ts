// Query strings of the supervision routes, and who reads them.
import type { Role } from '../../domain/roles';

/** Every agency role but ADMIN reads targets (scoped by region, domain/regions.ts). */
export const READERS: Role[] = ['ENFORCEMENT', 'CREDIT', 'AUTHORITY', 'LEGAL', 'IMPLEMENTER', 'SUPERVISOR'];

/** GET /targets/:targetId: PostgreSQL's answer, or with live=true the workflow's live state too (issue 17). */
export const targetQuerystring = {
  type: 'object',
  additionalProperties: false,
  properties: {
    live: { type: 'boolean', default: false, description: "also query the target's workflow for its live state (a replay when the worker has evicted it)" },
  },
} as const;

export const searchQuerystring = {
  type: 'object',
  additionalProperties: false,
  properties: {
    q: { type: 'string', minLength: 1, maxLength: 100, description: 'part of the name, or the start of the credit code' },
    creditCode: { type: 'string', pattern: '^[0-9A-HJ-NPQRTUWXY]{18}$' },
    kind: { type: 'string', enum: ['enterprise', 'person'] },
    status: { type: 'string', enum: ['open', 'closed'] },
    agencyId: { type: 'string', minLength: 1, maxLength: 100, description: 'pushing, receiving or implementing agency' },
    field: { type: 'string', minLength: 1, maxLength: 100, description: 'the field of the receiving AUTHORITY' },
    measure: { type: 'string', pattern: '^[A-Z0-9-]{1,40}$', description: 'a measure code of one of its cases' },
    overdue: { type: 'boolean', description: 'only targets with an open overdue step' },
    personsOf: { type: 'string', minLength: 1, maxLength: 64, description: "R13: the persons listed with this enterprise's case (each a person target of its own)" },
    limit: { type: 'integer', minimum: 1, maximum: 200, default: 20 },
    offset: { type: 'integer', minimum: 0, maximum: 1_000_000, default: 0 },
  },
} as const;

export const overdueQuerystring = {
  type: 'object',
  additionalProperties: false,
  properties: {
    agencyId: { type: 'string', minLength: 1, maxLength: 100 },
    rule: { type: 'string', pattern: '^R[0-9]{1,2}$' },
    limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
    offset: { type: 'integer', minimum: 0, maximum: 1_000_000, default: 0 },
  },
} as const;
