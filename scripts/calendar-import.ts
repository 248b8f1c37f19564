// Writes db/calendar/<year>.json for 2004–2026 from the MIT-licensed `chinese-days` package
// (a devDependency, used only here and in the comparison test). The running system never reads
// the package: these files are seeded into PostgreSQL, where an administrator can load or
// correct a year without a release. Run with `npm run calendar:import`.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { YearFile } from '../domain/calendar-file';

const require = createRequire(import.meta.url);
const pkgDir = dirname(require.resolve('chinese-days/package.json'));
const version = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).version;
const data = JSON.parse(readFileSync(join(pkgDir, 'dist', 'chinese-days.json'), 'utf8')) as {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
};

// The notices, as far as this project can state them without inventing numbers: every year's
// schedule is the State Council General Office's notice on that year's holidays.
const NOTICES: Record<number, Partial<YearFile['notice']>> = {
  2025: { number: '国办发明电〔2024〕12号', publishedOn: '2024-11-12' },
  2026: { publishedOn: '2025-11-04' },
};
const AMENDMENTS: Record<number, YearFile['amendments']> = {
  2015: [{ title: '国务院关于中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日调休放假的通知' }],
  2020: [{ title: '国务院办公厅关于延长2020年春节假期的通知', number: '国办发明电〔2020〕1号' }],
};

/** "Spring Festival,春节,4" → "春节". */
const chineseName = (value: string) => value.split(',')[1] ?? value;

const outDir = new URL('../db/calendar/', import.meta.url);
for (let year = 2004; year <= 2026; year += 1) {
  const inYear = (d: string) => d.startsWith(`${year}-`);
  const file: YearFile = {
    year,
    notice: { title: `国务院办公厅关于${year}年部分节假日安排的通知`, ...NOTICES[year] },
    amendments: AMENDMENTS[year] ?? [],
    holidays: Object.keys(data.holidays).filter(inYear).sort()
      .map((date) => ({ date, name: chineseName(data.holidays[date]) })),
    makeupWorkdays: Object.keys(data.workdays).filter(inYear).sort()
      .map((date) => ({ date, name: `${chineseName(data.workdays[date])}调休上班` })),
    source: `chinese-days@${version}`,
  };
  writeFileSync(new URL(`${year}.json`, outDir), formatYearFile(file));
}
console.log(`wrote db/calendar/2004.json … 2026.json from chinese-days@${version}`);

/** One day per line, so that a correction reads as a one-line diff. */
function formatYearFile(file: YearFile): string {
  const days = (list: { date: string; name: string }[]) =>
    list.length === 0 ? '[]' : `[\n${list.map((d) => `    ${JSON.stringify(d)}`).join(',\n')}\n  ]`;
  return [
    '{',
    `  "year": ${file.year},`,
    `  "notice": ${JSON.stringify(file.notice)},`,
    `  "amendments": ${JSON.stringify(file.amendments ?? [])},`,
    `  "holidays": ${days(file.holidays)},`,
    `  "makeupWorkdays": ${days(file.makeupWorkdays)},`,
    `  "source": ${JSON.stringify(file.source)}`,
    '}',
    '',
  ].join('\n');
}
