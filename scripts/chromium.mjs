// Headless Chromium for the browser tests: Debian's `chromium` package, installed when missing
// (the test bootstrap runs this before vitest), with a small Chinese font so the screenshots
// show the dashboard's labels rather than empty boxes. CHROMIUM_PATH names another binary.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

export function findChromium() {
  const wanted = process.env.CHROMIUM_PATH;
  if (wanted) return existsSync(wanted) ? wanted : null;
  return CANDIDATES.find((p) => existsSync(p)) ?? null;
}

function apt(args) {
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const [cmd, argv] = asRoot ? ['apt-get', args] : ['sudo', ['-n', 'apt-get', ...args]];
  return spawnSync(cmd, argv, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).status === 0;
}

const hasChineseFont = () => (spawnSync('fc-list', [':lang=zh'], { encoding: 'utf8' }).stdout ?? '').trim().length > 0;

/** The path of a Chromium binary, installing Debian's package when there is none. */
export function ensureChromium() {
  const found = findChromium();
  if (found) {
    // Legible screenshots only: the tests themselves do not depend on the font.
    if (!hasChineseFont() && !apt(['install', '-y', '--no-install-recommends', 'fonts-wqy-microhei'])) {
      process.stderr.write('[bootstrap] no Chinese font (fonts-wqy-microhei): screenshots will show boxes for the labels\n');
    }
    return found;
  }
  if (process.env.CHROMIUM_PATH) throw new Error(`CHROMIUM_PATH=${process.env.CHROMIUM_PATH} does not exist`);
  process.stderr.write('[bootstrap] no Chromium for the browser tests: apt-get install chromium\n');
  // A fresh machine may have no package lists yet: update once, then retry.
  const packages = ['install', '-y', '--no-install-recommends', 'chromium', 'fonts-wqy-microhei'];
  const installed = apt(packages) || (apt(['update']) && apt(packages));
  const path = findChromium();
  if (!installed || !path) {
    throw new Error('Chromium is needed by the browser tests and could not be installed: run `apt-get install chromium` ' +
      '(Debian) or set CHROMIUM_PATH to a Chromium binary');
  }
  return path;
}
