// Issue 17, bulk import: a file (CSV, XLSX or JSON lines) as numbered rows, each the object a
// JSON line carries (./columns.ts), or the cell that could not be read. Row numbers are the
// file's own: the line of a CSV record or of a JSON line, the spreadsheet row of an XLSX (the
// header is row 1, the first case row 2), so a clerk finds the row the answer names.
import { parse as parseCsv } from 'csv-parse/sync';
import { readSheet } from 'read-excel-file/node';
import { CellError, checkHeader, rowObject } from './columns';

export const IMPORT_FORMATS = ['csv', 'xlsx', 'jsonl'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** At most this many case rows in one file (a province's load is 10⁵). */
export const MAX_ROWS = 200_000;

export type ParsedRow = { row: number; value: Record<string, unknown> } | { row: number; field: string; reason: string };

/** The whole file is unreadable (not CSV, an unknown column, too many rows): nothing is imported. */
export class FileError extends Error {}

/** The format a request names (?format=) or its content type implies. */
export function formatOf(contentType: string | undefined, asked: string | undefined): ImportFormat | null {
  if (asked) return (IMPORT_FORMATS as readonly string[]).includes(asked) ? asked as ImportFormat : null;
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'text/csv') return 'csv';
  if (type === 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet') return 'xlsx';
  if (type === 'application/x-ndjson' || type === 'application/jsonl' || type === 'application/jsonlines') return 'jsonl';
  return null;
}

export async function parseImportFile(format: ImportFormat, file: Buffer): Promise<ParsedRow[]> {
  const rows = format === 'jsonl' ? jsonLines(file) : fromCells(format === 'csv' ? csvRecords(file) : await xlsxRows(file));
  if (rows.length === 0) throw new FileError('the file holds no case row');
  if (rows.length > MAX_ROWS) throw new FileError(`the file holds ${rows.length} rows; at most ${MAX_ROWS} in one import`);
  return rows;
}

function jsonLines(file: Buffer): ParsedRow[] {
  const rows: ParsedRow[] = [];
  file.toString('utf8').replace(/^\uFEFF/, '').split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      const value: unknown = JSON.parse(line);
      if (value === null || typeof value !== 'object' || Array.isArray(value)) rows.push({ row: i + 1, field: 'body', reason: 'the line is not a JSON object' });
      else rows.push({ row: i + 1, value: value as Record<string, unknown> });
    } catch (err) {
      rows.push({ row: i + 1, field: 'body', reason: `not JSON: ${(err as Error).message}` });
    }
  });
  return rows;
}

/** CSV records with the line each starts on (a quoted cell may span lines). */
function csvRecords(file: Buffer): { row: number; cells: string[] }[] {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parseCsv(file, { bom: true, skip_empty_lines: true, info: true, relax_column_count: true, trim: false }) as unknown as typeof records;
  } catch (err) {
    throw new FileError(`not a CSV file: ${(err as Error).message}`);
  }
  return records.map(({ record, info }) => ({
    row: info.lines - record.reduce((n, cell) => n + (cell.match(/\r\n|\n|\r/g)?.length ?? 0), 0),
    cells: record,
  }));
}

async function xlsxRows(file: Buffer): Promise<{ row: number; cells: string[] }[]> {
  let sheet: unknown[][];
  try {
    sheet = await readSheet(file);
  } catch (err) {
    throw new FileError(`not an XLSX workbook: ${(err as Error).message}`);
  }
  return sheet.map((cells, i) => ({ row: i + 1, cells: cells.map(cellText) }))
    .filter((r) => r.cells.some((c) => c.trim() !== ''));
}

/** A spreadsheet cell as text: a date cell as YYYY-MM-DD, a number as written. */
function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? '' : v.toISOString().slice(0, 10);
  return String(v);
}

function fromCells(records: { row: number; cells: string[] }[]): ParsedRow[] {
  const [head, ...rest] = records;
  if (!head) return [];
  const header = checkHeader(head.cells);
  if ('unknown' in header) throw new FileError(`unknown column "${header.unknown}" in the header (GET /imports/columns lists them)`);
  const { columns } = header;
  return rest.map(({ row, cells }) => {
    if (cells.length > columns.length && cells.slice(columns.length).some((c) => c.trim() !== '')) {
      return { row, field: 'body', reason: `${cells.length} cells for ${columns.length} columns` };
    }
    const named: Record<string, string> = {};
    columns.forEach((name, i) => { if (name) named[name] = cells[i] ?? ''; });
    try {
      return { row, value: rowObject(named) };
    } catch (err) {
      if (err instanceof CellError) return { row, field: err.field, reason: err.reason };
      throw err;
    }
  });
}
