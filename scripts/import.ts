// `npm run import -- cases.xlsx`: uploads a file of cases already in force to POST /imports and
// follows GET /imports/:id with a progress bar on stderr (issue 17; README, "Bulk import").
// The refused rows (row, field, reason) and the counts are printed on stdout as JSON.
//
//   --url URL         the API (default $JD_API_URL, else http://127.0.0.1:$PORT, PORT 3000 as `npm start`)
//   --key KEY         an ADMIN or CREDIT agency's key (default $JD_API_KEY)
//   --key-file PATH   the key read from a file (e.g. .data-prod/admin-key)
//   --agency ID       a demo agency's key from .data/demo-agencies.json (the `npm start` demo)
//   --format F        csv | xlsx | jsonl (default: from the file's extension)
//
// Exit status: 0 every row accepted and filed, 2 some rows refused, 1 the import could not be made.
import { existsSync, readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { parseArgs } from 'node:util';

const TYPES = {
  csv: 'text/csv',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  jsonl: 'application/x-ndjson',
} as const;
type Format = keyof typeof TYPES;

interface ImportView {
  id: string;
  status: 'running' | 'done';
  total: number;
  accepted: number;
  refused: number;
  done: number;
  refusedRows: { row: number; field: string | null; reason: string }[];
}

/** `[#######.............]  35/100 filed, 3 refused` */
export function progressLine(v: Pick<ImportView, 'accepted' | 'done' | 'refused' | 'total'>, width = 30): string {
  const share = v.accepted === 0 ? 1 : v.done / v.accepted;
  const full = Math.round(share * width);
  return `[${'#'.repeat(full)}${'.'.repeat(width - full)}] ${v.done}/${v.accepted} filed, ${v.refused} refused of ${v.total} rows`;
}

function formatOf(file: string, asked?: string): Format {
  const f = (asked ?? extname(file).slice(1).toLowerCase()).replace(/^ndjson$/, 'jsonl');
  if (f in TYPES) return f as Format;
  throw new Error(`cannot tell the format of ${file}: name it with --format csv|xlsx|jsonl`);
}

function keyOf(v: { key?: string; 'key-file'?: string; agency?: string }): string {
  if (v.key) return v.key;
  if (v['key-file']) return readFileSync(v['key-file'], 'utf8').trim();
  if (v.agency) {
    const demo = '.data/demo-agencies.json';
    if (!existsSync(demo)) throw new Error(`${demo} not found: --agency reads the keys \`npm start\` wrote`);
    const found = (JSON.parse(readFileSync(demo, 'utf8')) as { id: string; apiKey: string }[]).find((a) => a.id === v.agency);
    if (!found) throw new Error(`no demo agency ${v.agency} in ${demo}`);
    return found.apiKey;
  }
  if (process.env.JD_API_KEY) return process.env.JD_API_KEY;
  throw new Error('an ADMIN or CREDIT key is needed: --key, --key-file, --agency or JD_API_KEY');
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { url: { type: 'string' }, key: { type: 'string' }, 'key-file': { type: 'string' }, agency: { type: 'string' }, format: { type: 'string' } },
  });
  const [file] = positionals;
  if (!file) throw new Error('usage: npm run import -- FILE [--url URL] [--key KEY | --key-file PATH | --agency ID] [--format csv|xlsx|jsonl]');
  const base = (values.url ?? process.env.JD_API_URL ?? `http://127.0.0.1:${process.env.PORT ?? 3000}`).replace(/\/$/, '');
  const format = formatOf(file, values.format);
  const headers = { authorization: `Bearer ${keyOf(values)}` };
  const res = await fetch(`${base}/imports?name=${encodeURIComponent(basename(file))}`, {
    method: 'POST', headers: { ...headers, 'content-type': TYPES[format] }, body: readFileSync(file),
  });
  const first = await res.json() as ImportView & { message?: string };
  if (res.status !== 200 && res.status !== 202) throw new Error(`the API refused the file (${res.status}): ${first.message ?? JSON.stringify(first)}`);
  if (res.status === 200) process.stderr.write(`this file was imported before (import ${first.id}): nothing changes\n`);
  const tty = process.stderr.isTTY;
  let view = first;
  let shown = '';
  for (;;) {
    const line = progressLine(view);
    if (line !== shown) process.stderr.write(tty ? `\r${line}` : `${line}\n`);
    shown = line;
    if (view.status === 'done') break;
    await new Promise((resolve) => setTimeout(resolve, 500));
    const next = await fetch(`${base}/imports/${view.id}`, { headers });
    if (!next.ok) throw new Error(`GET /imports/${view.id} answered ${next.status}`);
    view = await next.json() as ImportView;
  }
  if (tty) process.stderr.write('\n');
  process.stdout.write(`${JSON.stringify({ id: view.id, total: view.total, accepted: view.accepted, refused: view.refused, done: view.done, refusedRows: view.refusedRows }, null, 2)}\n`);
  return view.refused > 0 ? 2 : 0;
}

main().then((code) => { process.exitCode = code; }, (err: Error) => {
  process.stderr.write(`import: ${err.message}\n`);
  process.exitCode = 1;
});
