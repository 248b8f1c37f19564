// Issue 17, bulk import: the columns of a CSV or XLSX file (POST /cases's fields, flattened, and
// the steps the old system already saw taken), and how one row of cells becomes the object a
// JSON-lines file carries on each line. Served at GET /imports/columns; README, "Bulk import".
import { DOCUMENT_KIND_IDS } from '../../domain/document-kinds';
import { PERSON_ROLES } from '../../domain/persons';
import { PENALTY_FIELD_IDS, PENALTY_TYPE_IDS } from '../../domain/publicity';

export interface Column {
  name: string;
  required: boolean;
  /** How the cell is written. */
  format: string;
  meaning: string;
}

const DATE = 'YYYY-MM-DD (or a date cell)';
const c = (name: string, required: boolean, format: string, meaning: string): Column => ({ name, required, format, meaning });

export const IMPORT_COLUMNS: Column[] = [
  c('source', true, 'penalty_decision | external_document', 'R2 a penalty decision (filed by ENFORCEMENT) or R3 an external document (by CREDIT)'),
  c('filedBy', false, 'agency id', 'the agency whose case it is (ENFORCEMENT for a penalty decision, CREDIT for an external document); default the importing agency'),
  c('document.number', true, 'text', '文书号: claimed for the filing agency, as POST /cases claims it'),
  c('document.issuedOn', true, DATE, 'the decision\'s date'),
  c('document.issuer', true, 'text', 'the issuing body'),
  c('document.kind', false, DOCUMENT_KIND_IDS.join(' | '), 'R3: the kind of external document (external documents only)'),
  c('receivedOn', false, DATE, 'R3: the day CREDIT received the external document'),
  c('consultation', false, 'true | false', 'R2/R3: consultation (会商) was asked'),
  c('consultWith', false, 'agency ids separated by ;', 'R2/R3: agencies asked to consult'),
  c('legalReview', false, 'agency id', 'R2/R3: the LEGAL agency asked to review'),
  c('penalty.type', false, PENALTY_TYPE_IDS.join(' | '), 'R8/004: the penalty imposed'),
  c('penalty.amount', false, 'number (yuan)', 'a fine\'s amount'),
  c('penalty.field', false, PENALTY_FIELD_IDS.join(' | '), 'R8/004: the penalty\'s field (with penalty.type)'),
  c('target.kind', true, 'enterprise | person', 'the disciplined party'),
  c('target.name', true, 'text', 'its name'),
  c('target.creditCode', false, '18 characters', '统一社会信用代码 (enterprise)'),
  c('target.idNumber', false, '18 characters', '公民身份号码 (person)'),
  c('persons', false, `role:idNumber:name separated by ; (role: ${PERSON_ROLES.join(' | ')})`, 'R13: persons of an enterprise\'s case'),
  c('measures', true, 'measure codes separated by ;', 'R1: codes from GET /measures'),
  c('periods', false, 'CODE=1y;CODE=6m;CODE=30d', 'R10: the period the decision set, for each by_decision measure'),
  c('authority', true, 'agency id', 'the receiving AUTHORITY'),
  c('seriousness', false, 'general | serious | especially_serious', 'R12'),
  c('repeated', false, 'true | false', 'R12: repeats an earlier serious case'),
  c('taken.filedOn', false, DATE, 'R2/R3: the day the case was pushed to the AUTHORITY; its steps count from it (default: the day of the import)'),
  c('taken.receivedOn', false, DATE, 'R5: the day the AUTHORITY received it (implied by a push to implementers)'),
  c('taken.implementers', false, 'agencyId=CODE|CODE separated by ;', 'R5: the implementers the measures were pushed to (an IMPLEMENTER of each measure\'s kind, or the AUTHORITY itself)'),
  c('taken.pushedOn', false, DATE, 'R5: the day of that push (required with taken.implementers)'),
  c('taken.acknowledgedOn', false, DATE, 'R5: the day the implementers acknowledged (empty: the acknowledgement is still owed)'),
  c('taken.inForceSince', false, `${DATE}, or CODE=YYYY-MM-DD separated by ;`, 'R6–R8: the first day in force, of all measures or of each (default: taken.acknowledgedOn)'),
];

const NAMES = new Set(IMPORT_COLUMNS.map((x) => x.name));

/** The header's columns, or the first one that is not ours. */
export function checkHeader(header: string[]): { unknown: string } | { columns: string[] } {
  const columns = header.map((h) => h.trim());
  const unknown = columns.find((h) => h !== '' && !NAMES.has(h));
  return unknown !== undefined ? { unknown } : { columns };
}

/** A cell that does not read as its column says. */
export class CellError extends Error {
  constructor(readonly field: string, readonly reason: string) {
    super(`${field}: ${reason}`);
  }
}

const list = (v: string) => v.split(/[;；\n]/).map((x) => x.trim()).filter(Boolean);

/** `CODE=value;…` → pairs; a cell without `=` is refused naming the column. */
function pairs(field: string, v: string): [string, string][] {
  return list(v).map((item) => {
    const at = item.indexOf('=');
    if (at <= 0) throw new CellError(field, `"${item}" is not CODE=value`);
    return [item.slice(0, at).trim(), item.slice(at + 1).trim()];
  });
}

const PERIOD = /^(\d+)\s*([ymd])$/i;
const UNIT = { y: 'years', m: 'months', d: 'days' } as const;

function period(field: string, v: string): Record<string, number> {
  const m = PERIOD.exec(v);
  if (!m) throw new CellError(field, `"${v}" is not a period such as 1y, 6m or 30d`);
  return { [UNIT[m[2].toLowerCase() as 'y' | 'm' | 'd']]: Number(m[1]) };
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let at = target;
  for (const p of parts.slice(0, -1)) at = (at[p] ??= {}) as Record<string, unknown>;
  at[parts[parts.length - 1]] = value;
}

/** One row of cells (column → text, empty cells left out) as the object a JSON line would carry. */
export function rowObject(cells: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(cells)) {
    const v = raw.trim();
    if (v === '') continue;
    switch (name) {
      case 'measures':
      case 'consultWith':
        setPath(out, name, list(v));
        break;
      case 'periods':
        setPath(out, name, Object.fromEntries(pairs(name, v).map(([code, p]) => [code, period(`periods.${code}`, p)])));
        break;
      case 'persons':
        setPath(out, name, list(v).map((item, i) => {
          const [role, idNumber, ...rest] = item.split(/[:：]/).map((x) => x.trim());
          if (!role || !idNumber || rest.length === 0) throw new CellError(`persons.${i}`, `"${item}" is not role:idNumber:name`);
          return { role, idNumber, name: rest.join(':') };
        }));
        break;
      case 'taken.implementers':
        setPath(out, name, pairs(name, v).map(([agencyId, codes]) => ({ agencyId, measures: codes.split('|').map((x) => x.trim()).filter(Boolean) })));
        break;
      case 'taken.inForceSince':
        setPath(out, name, v.includes('=') ? Object.fromEntries(pairs(name, v)) : v);
        break;
      default:
        setPath(out, name, v);
    }
  }
  return out;
}
