#!/usr/bin/env node
// Provisions the real Temporal engine into a cache outside the repository, each part only for
// the commands that use it:
//  - cli:         the Temporal CLI dev server (from PATH, or built from its Go module): npm start, npm test;
//  - test-server: the Java time-skipping test server (runtime classpath from Maven Central + a
//                 wrapper): npm test and the benchmarks only, so npm start needs no Java or Maven;
//  - server:      the Temporal server, temporal-sql-tool and the Web UI server, built from their
//                 Go modules (scripts/provision-server.mjs): npm run start:prod;
//  - compose:     docker compose v2 from its Go module, for test/compose.test.ts's
//                 `docker compose config` (asked for by hand: npm run provision -- compose).
// Idempotent: a warm run only checks files. Never downloads a prebuilt binary and never
// falls back to a fake engine: when Go or Java is missing it stops and says what to install.
// Node built-ins only, because the bootstrap runs it before dependencies exist.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  cacheDir, manifestPath, readManifest, TEMPORAL_CLI_MODULE, TEMPORAL_CLI_VERSION, TEST_SERVER_VERSION,
} from './engine-paths.mjs';
import { goInstall } from './go-install.mjs';
import { provisionCompose, provisionTemporalServer, provisionUiServer } from './provision-server.mjs';

export const PARTS = ['cli', 'test-server', 'server', 'compose'];

class MissingPrerequisite extends Error {}

function which(cmd) {
  for (const dir of (process.env.PATH || '').split(delimiter)) {
    if (dir && existsSync(join(dir, cmd))) return join(dir, cmd);
  }
  return null;
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed with exit code ${r.status}`);
}

function log(msg) {
  process.stderr.write(`[provision] ${msg}\n`);
}

function requireGo(what) {
  const go = which('go');
  if (!go) {
    throw new MissingPrerequisite(
      `Go is required to build ${what} and was not found on PATH.\n` +
      '  Install Go 1.25 or newer (Debian: apt-get install golang-go, or the official tarball),\n' +
      '  then run the command again.');
  }
  return go;
}

async function provisionTemporalCli(cache) {
  const onPath = which('temporal');
  if (onPath) {
    log(`Temporal CLI: using ${onPath} from PATH`);
    return onPath;
  }
  const bin = join(cache, 'bin');
  const target = join(bin, 'temporal');
  const stamp = join(bin, `.temporal-${TEMPORAL_CLI_VERSION}`);
  if (existsSync(target) && existsSync(stamp)) return target;
  const go = requireGo('the Temporal CLI dev server (or put an existing `temporal` CLI on PATH)');
  mkdirSync(bin, { recursive: true });
  await goInstall({
    go, log, gobin: bin, what: `Temporal CLI ${TEMPORAL_CLI_VERSION}`,
    expect: 'about 4–7 min on 2 cores', packages: [`${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION}`],
  });
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
  return target;
}

// Measured on this 2-core machine: the JVM needs ~1.9 s to open the port with default flags
// and ~1.1 s with C1 only and the serial GC; the SDK allows 5 s, so the faster flags leave room.
const JVM_FLAGS = '-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xss1m';

function provisionTestServer(cache) {
  const home = join(cache, 'test-server', TEST_SERVER_VERSION);
  const lib = join(home, 'lib');
  const wrapper = join(cache, 'bin', 'temporal-test-server');
  const stamp = join(home, '.complete');
  const java = which('java');
  if (!java) {
    throw new MissingPrerequisite(
      'Java 11 or newer is required to run the Temporal time-skipping test server and was not found.\n' +
      '  Install a JDK (Debian: apt-get install default-jdk-headless maven), then run the command again.');
  }
  if (!existsSync(stamp)) {
    const mvn = which('mvn');
    if (!mvn) {
      throw new MissingPrerequisite(
        'Maven is required once, to fetch io.temporal:temporal-test-server from Maven Central.\n' +
        '  Install it (Debian: apt-get install maven), then run the command again.');
    }
    log(`fetching io.temporal:temporal-test-server:${TEST_SERVER_VERSION} and its runtime classpath with Maven`);
    rmSync(home, { recursive: true, force: true });
    mkdirSync(home, { recursive: true });
    writeFileSync(join(home, 'pom.xml'), `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.provision</groupId><artifactId>temporal-test-server-classpath</artifactId>
  <version>1</version><packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>io.temporal</groupId><artifactId>temporal-test-server</artifactId>
      <version>${TEST_SERVER_VERSION}</version>
    </dependency>
  </dependencies>
</project>
`);
    const tmpLib = `${lib}.partial`;
    run(mvn, ['-q', '-B', '-f', join(home, 'pom.xml'), 'dependency:copy-dependencies',
      '-DincludeScope=runtime', `-DoutputDirectory=${tmpLib}`]);
    if (!readdirSync(tmpLib).some((f) => f.startsWith('temporal-test-server'))) {
      throw new Error('Maven finished but temporal-test-server jar is missing from the classpath');
    }
    renameSync(tmpLib, lib);
    writeFileSync(stamp, `${new Date().toISOString()}\n`);
  }
  mkdirSync(join(cache, 'bin'), { recursive: true });
  // The SDK runs `<wrapper> <port>` and kills the process on teardown, so exec java directly.
  writeFileSync(wrapper, `#!/bin/sh
# Generated by scripts/provision.mjs: Temporal Java time-skipping test server ${TEST_SERVER_VERSION}.
exec "${java}" ${JVM_FLAGS} -cp "${lib}/*" io.temporal.testserver.TestServer "$@"
`);
  chmodSync(wrapper, 0o755);
  return wrapper;
}

/** Provisions the given parts (PARTS) and records their paths in the manifest, keeping the others'. */
export async function provision(parts = ['cli', 'test-server']) {
  const cache = cacheDir();
  mkdirSync(cache, { recursive: true });
  const started = Date.now();
  const found = {};
  if (parts.includes('cli')) found.temporalCli = await provisionTemporalCli(cache);
  if (parts.includes('test-server')) found.testServer = provisionTestServer(cache);
  if (parts.includes('server')) {
    const go = requireGo('the Temporal server, temporal-sql-tool and the Temporal UI server');
    // Not in the manifest (see serverPaths): reported only.
    Object.assign(found, await provisionTemporalServer({ go, log }), await provisionUiServer({ go, log }));
  }
  if (parts.includes('compose')) Object.assign(found, await provisionCompose({ cache, go: requireGo('docker compose'), log }));
  const manifest = { ...readManifest(), ...(found.temporalCli ? { temporalCli: found.temporalCli } : {}),
    ...(found.testServer ? { testServer: found.testServer } : {}) };
  writeFileSync(manifestPath(), `${JSON.stringify(manifest, null, 2)}\n`);
  log(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${Object.values(found).join(', ')}`);
  return found;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const asked = process.argv.slice(2);
  const unknown = asked.filter((p) => !PARTS.includes(p));
  if (unknown.length) {
    process.stderr.write(`usage: node scripts/provision.mjs [${PARTS.join('|')}]...  (default: cli test-server)\n`);
    process.exit(64);
  }
  try {
    await provision(asked.length ? asked : undefined);
  } catch (err) {
    if (err instanceof MissingPrerequisite) {
      process.stderr.write(`\n[provision] cannot provision the engine:\n  ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}
