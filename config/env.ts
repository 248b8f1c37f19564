// One typed configuration object, read once from the environment and shared by the api,
// the worker and the stack launcher. Every setting has a default that works on a fresh clone.
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { resolve } from 'node:path';

/** Target workflows a worker keeps in memory unless WORKER_MAX_CACHED_WORKFLOWS says otherwise. */
export const DEFAULT_CACHED_WORKFLOWS = 1000;

export interface Config {
  /** API listen port (PORT). */
  port: number;
  /** API listen host (HOST); 0.0.0.0 in containers. */
  host: string;
  /** PostgreSQL URL (DATABASE_URL); unset means the embedded server on pgPort. */
  databaseUrl: string | undefined;
  pgPort: number;
  dataDir: string;
  /** host:port of the Temporal frontend (TEMPORAL_ADDRESS); unset means the local dev server. */
  temporalAddress: string;
  temporalExternal: boolean;
  temporalPort: number;
  temporalUiPort: number;
  temporalNamespace: string;
  /** Public address of the Temporal UI used in links (TEMPORAL_UI_URL). */
  temporalUiUrl: string;
  /** Key of the keyed hash that turns identity numbers into target ids (TARGET_ID_KEY). */
  targetIdKey: string | undefined;
  logLevel: string;
  /**
   * Workflows the worker keeps in memory (WORKER_MAX_CACHED_WORKFLOWS, default 1 000). The SDK's
   * own default from the heap size (2 311 on a 4 GiB heap) ran the workflow thread out of heap at
   * about 2 000 open targets (README, "A province's load"); an evicted target costs a replay on its
   * next event (README, "Memory").
   */
  workerMaxCachedWorkflows: number;
  /** The outbox's webhooks (README, "Notifications"). */
  notify: NotifySettings;
  /**
   * The workflow bundle prebuilt by `npm run build` (WORKFLOW_BUNDLE): the image and
   * `npm run start:prod` load it; unset, the worker bundles workflows/ itself at start.
   */
  workflowBundle: string | undefined;
  /**
   * Where traces go (README, "Observability"): OTEL_TRACES_EXPORTER `console`, `otlp` or `none`;
   * unset, `otlp` when OTEL_EXPORTER_OTLP_ENDPOINT (or its _TRACES_ form) is set, else none.
   */
  tracesExporter: TracesExporter;
  /** The worker's Temporal SDK metrics for Prometheus on HOST:WORKER_METRICS_PORT; unset, none. */
  workerMetricsPort: number | undefined;
  /**
   * Wrong keys a client address may present per window before it is answered 429
   * (AUTH_FAILURES_MAX, AUTH_FAILURES_WINDOW_SECONDS), per API instance.
   */
  authFailures: { max: number; windowMs: number };
  /**
   * Which proxies' X-Forwarded-For the API believes for the client's address (TRUST_PROXY):
   * unset, none (clients connect directly); a number of hops; or addresses and CIDRs, comma-separated.
   */
  trustProxy: boolean | number | string[];
  /** A bearer token the API and the worker present to the Temporal server (TEMPORAL_AUTH_TOKEN or _FILE). */
  temporalAuthToken: string | undefined;
}

export type TracesExporter = 'none' | 'console' | 'otlp';

export interface NotifySettings {
  /** Hosts an endpoint may reach over plain http (NOTIFY_ALLOWED_HTTP_HOSTS); https otherwise. */
  allowedHttpHosts: string[];
  /**
   * Hosts whose endpoint may be at a loopback, link-local or private address
   * (NOTIFY_ALLOWED_PRIVATE_HOSTS), matched against the URL's host as written.
   */
  allowedPrivateHosts: string[];
  /** DNS, TCP and TLS must be done within this (NOTIFY_CONNECT_TIMEOUT_MS). */
  connectTimeoutMs: number;
  /** The whole attempt, from the first byte sent to the status line (NOTIFY_RESPONSE_TIMEOUT_MS). */
  responseTimeoutMs: number;
  /** Attempts before a notice is parked (NOTIFY_MAX_ATTEMPTS). */
  maxAttempts: number;
  /** Deliveries in flight at once to one agency, per worker (NOTIFY_PER_AGENCY_CONCURRENCY). */
  perAgencyConcurrency: number;
}

export class ConfigError extends Error {
  constructor(readonly variable: string, reason: string) {
    super(`${variable}: ${reason}`);
  }
}

function port(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    throw new ConfigError(name, `must be a TCP port between 1 and 65535, got "${raw}"`);
  }
  return n;
}

function positiveInt(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new ConfigError(name, `must be a positive integer, got "${raw}"`);
  return n;
}

/**
 * A comma-separated list of host names or addresses, each spelled as a URL's host comes out of
 * the URL parser (lower case, punycode, canonical addresses, IPv6 without brackets, no final dot).
 */
function hostList(env: NodeJS.ProcessEnv, name: string): string[] {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return [];
  return raw.split(',').map((h) => h.trim().replace(/^\[(.*)\]$/, '$1')).filter((h) => h !== '').map((h) => {
    let host = '';
    try {
      const url = new URL(`http://${isIP(h) === 6 ? `[${h}]` : h}/`);
      if (!/[\s/@?#]/.test(h) && url.port === '') host = url.hostname;
    } catch {
      // Not a host: refused below.
    }
    if (!host) throw new ConfigError(name, `must list host names or addresses without a port, got "${h}"`);
    return host.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  });
}

/** Values shipped as examples or defaults somewhere, never a secret of anyone's own. */
const PLACEHOLDERS = /^(change.?me.*|.*change.?me|secret|password|passw0rd|postgres|temporal|discipline|example|placeholder|test|admin|x+|0+)$/i;

/**
 * Why `value` cannot be a secret of the operator's own, or null: empty, too short, or a known
 * placeholder (docker-compose.yml once defaulted TARGET_ID_KEY to "change-me-before-first-use").
 */
export function placeholderSecret(value: string | undefined, minLength: number): string | null {
  if (!value) return 'is not set';
  if (PLACEHOLDERS.test(value)) return `is a placeholder ("${value}"), not a secret of your own`;
  if (value.length < minLength) return `is ${value.length} characters long; use at least ${minLength} random characters`;
  return null;
}

/** TARGET_ID_KEY: 32 random bytes as hex (64 characters) is what `npm start` makes; 32 characters at least. */
export const TARGET_ID_KEY_MIN_LENGTH = 32;

function targetIdKey(env: NodeJS.ProcessEnv): string | undefined {
  const key = env.TARGET_ID_KEY || undefined;
  const problem = key && placeholderSecret(key, TARGET_ID_KEY_MIN_LENGTH);
  // Target ids are keyed hashes of identity numbers: a guessable key makes them reversible.
  if (problem) throw new ConfigError('TARGET_ID_KEY', `${problem} (e.g. openssl rand -hex 32)`);
  return key;
}

function tracesExporter(env: NodeJS.ProcessEnv): TracesExporter {
  const raw = env.OTEL_TRACES_EXPORTER?.trim().toLowerCase();
  if (raw === 'console' || raw === 'otlp' || raw === 'none') return raw;
  if (raw) throw new ConfigError('OTEL_TRACES_EXPORTER', `must be console, otlp or none, got "${env.OTEL_TRACES_EXPORTER}"`);
  return env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ? 'otlp' : 'none';
}

function trustProxy(env: NodeJS.ProcessEnv): boolean | number | string[] {
  const raw = env.TRUST_PROXY?.trim();
  if (!raw || raw === 'false') return false;
  if (raw === 'true') throw new ConfigError('TRUST_PROXY', 'name the proxy (its address or CIDR, or a number of hops): "true" would believe any client');
  if (/^[0-9]+$/.test(raw)) return Number(raw);
  const list = raw.split(',').map((a) => a.trim()).filter(Boolean);
  for (const a of list) {
    const [addr, bits] = a.split('/');
    if (!isIP(addr) || (bits !== undefined && !/^[0-9]{1,3}$/.test(bits))) throw new ConfigError('TRUST_PROXY', `must list addresses or CIDRs, got "${a}"`);
  }
  return list;
}

/** The Temporal server's bearer token: TEMPORAL_AUTH_TOKEN, or the file TEMPORAL_AUTH_TOKEN_FILE names. */
function temporalAuthToken(env: NodeJS.ProcessEnv): string | undefined {
  if (env.TEMPORAL_AUTH_TOKEN) return env.TEMPORAL_AUTH_TOKEN.trim();
  if (!env.TEMPORAL_AUTH_TOKEN_FILE) return undefined;
  try {
    return readFileSync(env.TEMPORAL_AUTH_TOKEN_FILE, 'utf8').trim();
  } catch (err) {
    throw new ConfigError('TEMPORAL_AUTH_TOKEN_FILE', `cannot be read (${(err as NodeJS.ErrnoException).code})`);
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const temporalPort = port(env, 'TEMPORAL_PORT', 7233);
  const temporalUiPort = port(env, 'TEMPORAL_UI_PORT', 8233);
  const temporalAddress = env.TEMPORAL_ADDRESS || `127.0.0.1:${temporalPort}`;
  if (!/^[^\s:]+:\d+$/.test(temporalAddress)) {
    throw new ConfigError('TEMPORAL_ADDRESS', `must be host:port, got "${temporalAddress}"`);
  }
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL', 'must be a postgres:// or postgresql:// URL');
  }
  return {
    port: port(env, 'PORT', 3000),
    host: env.HOST || '127.0.0.1',
    databaseUrl,
    pgPort: port(env, 'PG_PORT', 54320),
    dataDir: resolve(env.DATA_DIR || '.data'),
    temporalAddress,
    temporalExternal: Boolean(env.TEMPORAL_ADDRESS),
    temporalPort,
    temporalUiPort,
    temporalNamespace: env.TEMPORAL_NAMESPACE || 'default',
    temporalUiUrl: env.TEMPORAL_UI_URL || `http://127.0.0.1:${temporalUiPort}`,
    targetIdKey: targetIdKey(env),
    logLevel: env.LOG_LEVEL || 'info',
    workerMaxCachedWorkflows: positiveInt(env, 'WORKER_MAX_CACHED_WORKFLOWS') ?? DEFAULT_CACHED_WORKFLOWS,
    notify: {
      allowedHttpHosts: hostList(env, 'NOTIFY_ALLOWED_HTTP_HOSTS'),
      allowedPrivateHosts: hostList(env, 'NOTIFY_ALLOWED_PRIVATE_HOSTS'),
      connectTimeoutMs: positiveInt(env, 'NOTIFY_CONNECT_TIMEOUT_MS') ?? 5_000,
      responseTimeoutMs: positiveInt(env, 'NOTIFY_RESPONSE_TIMEOUT_MS') ?? 15_000,
      maxAttempts: positiveInt(env, 'NOTIFY_MAX_ATTEMPTS') ?? 84,
      perAgencyConcurrency: positiveInt(env, 'NOTIFY_PER_AGENCY_CONCURRENCY') ?? 4,
    },
    workflowBundle: env.WORKFLOW_BUNDLE ? resolve(env.WORKFLOW_BUNDLE) : undefined,
    tracesExporter: tracesExporter(env),
    workerMetricsPort: env.WORKER_METRICS_PORT ? port(env, 'WORKER_METRICS_PORT', 0) : undefined,
    authFailures: {
      max: positiveInt(env, 'AUTH_FAILURES_MAX') ?? 10,
      windowMs: (positiveInt(env, 'AUTH_FAILURES_WINDOW_SECONDS') ?? 60) * 1000,
    },
    trustProxy: trustProxy(env),
    temporalAuthToken: temporalAuthToken(env),
  };
}
