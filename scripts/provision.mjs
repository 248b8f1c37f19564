#!/usr/bin/env node
// Provisions the real Temporal engine into a cache outside the repository:
//  - the Temporal CLI dev server (from PATH, or built from its Go module), and
//  - the Java time-skipping test server (runtime classpath from Maven Central + a wrapper).
// Idempotent: a warm run only checks files. Never downloads a prebuilt binary and never
// falls back to a fake engine: when Go or Java is missing it stops and says what to install.
// Node built-ins only, because the bootstrap runs it before dependencies exist.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  cacheDir, manifestPath, TEMPORAL_CLI_MODULE, TEMPORAL_CLI_VERSION, TEST_SERVER_VERSION,
} from './engine-paths.mjs';

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

function provisionTemporalCli(cache) {
  const onPath = which('temporal');
  if (onPath) {
    log(`Temporal CLI: using ${onPath} from PATH`);
    return onPath;
  }
  const bin = join(cache, 'bin');
  const target = join(bin, 'temporal');
  const stamp = join(bin, `.temporal-${TEMPORAL_CLI_VERSION}`);
  if (existsSync(target) && existsSync(stamp)) return target;
  const go = which('go');
  if (!go) {
    throw new MissingPrerequisite(
      'Go is required to build the Temporal CLI dev server and was not found on PATH.\n' +
      '  Install Go 1.23 or newer (Debian: apt-get install golang-go, or the official tarball),\n' +
      '  or put an existing `temporal` CLI on PATH, then run the command again.');
  }
  mkdirSync(bin, { recursive: true });
  log(`building Temporal CLI ${TEMPORAL_CLI_VERSION} with go install (first run only; several minutes)`);
  const started = Date.now();
  run(go, ['install', `${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION}`], {
    env: { ...process.env, CGO_ENABLED: '0', GOBIN: bin },
  });
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
  log(`Temporal CLI built in ${((Date.now() - started) / 1000).toFixed(0)} s`);
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

export function provision() {
  const cache = cacheDir();
  mkdirSync(cache, { recursive: true });
  const started = Date.now();
  const temporalCli = provisionTemporalCli(cache);
  const testServer = provisionTestServer(cache);
  writeFileSync(manifestPath(), `${JSON.stringify({ temporalCli, testServer }, null, 2)}\n`);
  log(`engine ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${temporalCli}, ${testServer}`);
  return { temporalCli, testServer };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    provision();
  } catch (err) {
    if (err instanceof MissingPrerequisite) {
      process.stderr.write(`\n[provision] cannot provision the engine:\n  ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}
