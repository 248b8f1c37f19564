// `go install` of a pinned module into a directory of the cache, with progress: the first build
// of an engine runs for minutes with nothing to show, so a line every 15 s says what is being
// built, for how long so far and how many packages are done. Node built-ins only (the bootstrap
// runs it before the dependencies exist).
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const TICK_MS = 15_000;

/**
 * Builds `packages` (each `path@version`, all of one module version) with CGO_ENABLED=0 into
 * `gobin`. `expect` tells the reader how long a first build takes on this kind of machine.
 */
export function goInstall({ go, packages, gobin, what, expect, log, tickMs = TICK_MS }) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    log(`building ${what} with go install (first run only; ${expect})`);
    // -v names each package as it is compiled: counted for the progress lines, not printed.
    const child = spawn(go, ['install', '-v', ...packages], {
      env: { ...process.env, CGO_ENABLED: '0', GOBIN: gobin },
      stdio: ['ignore', 'inherit', 'pipe'],
    });
    let compiled = 0;
    let downloading = 0;
    const tail = [];
    createInterface({ input: child.stderr }).on('line', (line) => {
      if (line.startsWith('go: downloading')) {
        downloading += 1;
      } else if (/^[\w.~-]+(\/[\w.~+-]+)*$/.test(line)) {
        compiled += 1;
      } else {
        process.stderr.write(`${line}\n`);
      }
      tail.push(line);
      if (tail.length > 30) tail.shift();
    });
    const seconds = () => Math.round((Date.now() - started) / 1000);
    const ticker = setInterval(() => {
      const fetched = downloading ? `, ${downloading} modules downloaded` : '';
      log(`still building ${what}: ${seconds()} s so far, ${compiled} packages compiled${fetched}`);
    }, tickMs);
    child.once('error', (err) => {
      clearInterval(ticker);
      reject(err);
    });
    child.once('exit', (code, signal) => {
      clearInterval(ticker);
      if (code === 0) {
        log(`${what} built in ${seconds()} s (${compiled} packages compiled)`);
        resolve({ seconds: seconds(), compiled });
      } else {
        reject(new Error(`go install ${packages.join(' ')} failed (${signal ?? `exit code ${code}`}):\n${tail.join('\n')}`));
      }
    });
  });
}
