// What the party's letters need of the machine (R17): a Chinese font for the PDFs the API renders
// (Debian's fonts-wqy-microhei, as in the Dockerfile), and for the tests poppler-utils, whose
// pdftotext reads a rendered letter back. Installed with apt when missing, like Chromium.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

/** Where the font is looked for (LETTER_FONT names another TTF/TTC/OTF). Keep in step with api/letters/pdf.ts. */
export const LETTER_FONTS = ['/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc'];

function apt(args) {
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const [cmd, argv] = asRoot ? ['apt-get', args] : ['sudo', ['-n', 'apt-get', ...args]];
  return spawnSync(cmd, argv, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).status === 0;
}

function install(packages) {
  const args = ['install', '-y', '--no-install-recommends', ...packages];
  return apt(args) || (apt(['update']) && apt(args));
}

const hasFont = () => (process.env.LETTER_FONT ? existsSync(process.env.LETTER_FONT) : LETTER_FONTS.some((p) => existsSync(p)));
const hasPdftotext = () => spawnSync('pdftotext', ['-v'], { stdio: 'ignore' }).error === undefined;

/** The letters' font; without it the API answers 503 for a letter's PDF, naming the package. */
export function ensureLetterFont() {
  if (hasFont()) return;
  process.stderr.write('[bootstrap] no Chinese font for the letters\' PDFs: apt-get install fonts-wqy-microhei\n');
  if (!install(['fonts-wqy-microhei']) || !hasFont()) {
    process.stderr.write('[bootstrap] fonts-wqy-microhei could not be installed: letters will be served as JSON only (their PDF answers 503)\n');
  }
}

/** For the tests: the font and pdftotext (poppler-utils), which read a letter's PDF back. */
export function ensureLetterTestTools() {
  const packages = [...(hasFont() ? [] : ['fonts-wqy-microhei']), ...(hasPdftotext() ? [] : ['poppler-utils'])];
  if (packages.length === 0) return;
  process.stderr.write(`[bootstrap] the letter tests need ${packages.join(' and ')}: apt-get install\n`);
  if (!install(packages) || !hasFont() || !hasPdftotext()) {
    throw new Error(`the letter tests need ${packages.join(' and ')} and they could not be installed: apt-get install ${packages.join(' ')}`);
  }
}
