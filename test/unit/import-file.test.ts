// Issue 17, bulk import: how a file's rows are read (pure): the columns flattened from POST
// /cases, the cells that do not read as their column says, and the row numbers a clerk sees.
import { describe, expect, it } from 'vitest';
import writeXlsxFile from 'write-excel-file/node';
import { checkHeader, rowObject } from '../../api/imports/columns';
import { FileError, formatOf, parseImportFile } from '../../api/imports/parse';

describe('import columns', () => {
  it('a row of cells becomes the object a JSON line carries, as POST /cases nests it', () => {
    expect(rowObject({
      source: 'penalty_decision', 'document.number': ' 杭市管罚〔2025〕1号 ', 'target.kind': 'enterprise', measures: 'A; B;',
      periods: 'A=2y;B=6m', persons: 'legal_representative:110101199003070011:张三', 'penalty.amount': '5000', 'target.idNumber': '',
      'taken.implementers': 'impl-1=A|B;impl-2=C', 'taken.inForceSince': 'A=2025-01-02;B=2025-01-03',
    })).toEqual({
      source: 'penalty_decision', document: { number: '杭市管罚〔2025〕1号' }, target: { kind: 'enterprise' }, measures: ['A', 'B'],
      periods: { A: { years: 2 }, B: { months: 6 } }, persons: [{ role: 'legal_representative', idNumber: '110101199003070011', name: '张三' }],
      penalty: { amount: '5000' },
      taken: { implementers: [{ agencyId: 'impl-1', measures: ['A', 'B'] }, { agencyId: 'impl-2', measures: ['C'] }], inForceSince: { A: '2025-01-02', B: '2025-01-03' } },
    });
    expect(rowObject({ 'taken.inForceSince': '2025-01-02' })).toEqual({ taken: { inForceSince: '2025-01-02' } });
  });

  it('R10: a period that is not 1y, 6m or 30d is refused naming periods.<code>', () => {
    expect(() => rowObject({ periods: 'A=two years' })).toThrow(expect.objectContaining({ field: 'periods.A' }));
    expect(() => rowObject({ persons: 'legal_representative' })).toThrow(expect.objectContaining({ field: 'persons.0' }));
    expect(() => rowObject({ 'taken.implementers': 'impl-1' })).toThrow(expect.objectContaining({ field: 'taken.implementers' }));
  });

  it('a header with a column that is not on the list is named', () => {
    expect(checkHeader(['source', 'document.number', 'creditcode'])).toEqual({ unknown: 'creditcode' });
    expect(checkHeader(['source', ' measures '])).toEqual({ columns: ['source', 'measures'] });
  });

  it('the format comes from ?format= or the content type', () => {
    expect(formatOf('text/csv; charset=utf-8', undefined)).toBe('csv');
    expect(formatOf('application/octet-stream', 'xlsx')).toBe('xlsx');
    expect(formatOf('application/x-ndjson', undefined)).toBe('jsonl');
    expect(formatOf('application/json', undefined)).toBeNull();
  });
});

describe('import rows are numbered as the file shows them', () => {
  it('CSV: the line a record starts on, past blank lines and cells spanning lines', async () => {
    const rows = await parseImportFile('csv', Buffer.from('\uFEFFsource,target.name\r\nexternal_document,"甲\n乙"\r\n\r\npenalty_decision,丙\r\n'));
    expect(rows).toEqual([
      { row: 2, value: { source: 'external_document', target: { name: '甲\n乙' } } },
      { row: 5, value: { source: 'penalty_decision', target: { name: '丙' } } },
    ]);
  });

  it('JSON lines: the line number; a line that is not a JSON object is refused as the body', async () => {
    const rows = await parseImportFile('jsonl', Buffer.from('{"source":"x"}\n\n[1]\n{bad'));
    expect(rows).toEqual([
      { row: 1, value: { source: 'x' } },
      { row: 3, field: 'body', reason: 'the line is not a JSON object' },
      { row: 4, field: 'body', reason: expect.stringContaining('not JSON') },
    ]);
  });

  it('XLSX: the spreadsheet row, a date cell as YYYY-MM-DD', async () => {
    const file = await writeXlsxFile([
      [{ value: 'document.issuedOn' }, { value: 'target.name' }],
      [],
      [{ value: new Date('2025-03-01T00:00:00Z'), type: Date, format: 'yyyy-mm-dd' }, { value: '丁' }],
    ] as never).toBuffer();
    expect(await parseImportFile('xlsx', file)).toEqual([{ row: 3, value: { document: { issuedOn: '2025-03-01' }, target: { name: '丁' } } }]);
  });

  it('a file that is not what it claims, or has an unknown column, is refused whole', async () => {
    await expect(parseImportFile('xlsx', Buffer.from('source\nx'))).rejects.toBeInstanceOf(FileError);
    await expect(parseImportFile('csv', Buffer.from('source,nope\nx,y'))).rejects.toThrow('unknown column "nope"');
    await expect(parseImportFile('csv', Buffer.from('source\n'))).rejects.toThrow('no case row');
  });
});
