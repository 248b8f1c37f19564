// The Temporal server's authentication in the production topology (README, "Security"): its
// default JWT claim mapper and default authorizer check every call against a key the operator
// holds. This file makes that key (ES256; the private half stays with the operator, owner-only),
// publishes its public half as a JWKS for the server (`serve`: the temporal-jwks part), and mints
// the tokens each part presents:
//   app     default:write           the workers and the API instances (Updates, polling, queries)
//   ui      temporal-system:read    the Temporal UI, through a proxy that adds it (read-only)
//   admin   temporal-system:admin   the setup: the namespace and its search attributes
// A client without a token, or with another key's, is refused by the server.
//   node dist/scripts/prod/engine-auth.js init <dir>   a key in <dir>, and .env lines for docker compose
//   node dist/scripts/prod/engine-auth.js serve        the JWKS of TEMPORAL_JWKS on HOST:PORT
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';

export const JWKS_PATH = '/.well-known/jwks.json';
const ALG = 'ES256';
const ISSUER = 'joint-discipline';
/** A year: tokens are minted at every start of start:prod, and by the operator for compose. */
export const TOKEN_DAYS = 365;

export const PERMISSIONS = {
  app: ['default:write'],
  ui: ['temporal-system:read'],
  admin: ['temporal-system:admin'],
} as const;

export type TokenKind = keyof typeof PERMISSIONS;

export interface EngineKey {
  /** The private key (JWK with its kid), owner-only on disk. */
  privateJwk: JWK;
  /** What the server reads: {"keys":[public JWK]}. */
  jwks: string;
}

/**
 * The signing key in `dir` (signing-key.jwk, mode 0600), made on first use; a namespace other
 * than `default` is named in the app token's permissions.
 */
export async function ensureEngineKey(dir: string): Promise<EngineKey> {
  const file = join(dir, 'signing-key.jwk');
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const { privateKey } = await generateKeyPair(ALG, { extractable: true });
    const jwk = await exportJWK(privateKey);
    const kid = await calculateJwkThumbprint(jwk);
    writeFileSync(file, `${JSON.stringify({ ...jwk, kid, alg: ALG, use: 'sig' })}\n`, { mode: 0o600, flag: 'wx' });
  }
  chmodSync(file, 0o600);
  const privateJwk = JSON.parse(readFileSync(file, 'utf8')) as JWK;
  const { d: _private, ...publicJwk } = privateJwk;
  return { privateJwk, jwks: JSON.stringify({ keys: [publicJwk] }) };
}

/** A bearer token for one part, `sub` naming it, its permissions in the `permissions` claim. */
export async function mintToken(privateJwk: JWK, kind: TokenKind, opts: { namespace?: string; days?: number; subject?: string } = {}): Promise<string> {
  const key = await importJWK(privateJwk, ALG);
  const namespace = opts.namespace ?? 'default';
  const permissions = PERMISSIONS[kind].map((p) => p.replace(/^default:/, `${namespace}:`));
  return new SignJWT({ permissions })
    .setProtectedHeader({ alg: ALG, kid: privateJwk.kid!, typ: 'JWT' })
    .setIssuer(ISSUER).setSubject(opts.subject ?? `joint-discipline-${kind}`)
    .setIssuedAt().setExpirationTime(`${opts.days ?? TOKEN_DAYS}d`)
    .sign(key);
}

/** The JWKS over plain HTTP, as the server's key provider fetches it (it takes http(s) URLs only). */
export function serveJwks(jwks: string, host: string, port: number): Promise<Server> {
  JSON.parse(jwks); // refuse what is not JSON before serving it
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === JWKS_PATH) {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-cache' }).end(jwks);
    } else {
      res.writeHead(404).end();
    }
  });
  return new Promise((ok, fail) => server.once('error', fail).listen(port, host, () => ok(server)));
}

async function main(command: string | undefined, arg: string | undefined): Promise<void> {
  if (command === 'serve') {
    const jwks = process.env.TEMPORAL_JWKS;
    if (!jwks) throw new Error('TEMPORAL_JWKS is required: the public key set of `engine-auth init`');
    const server = await serveJwks(jwks, process.env.HOST || '127.0.0.1', Number(process.env.PORT || 7247));
    console.log(`temporal-jwks: serving the engine's public key at ${JWKS_PATH}`);
    const close = () => server.close(() => process.exit(0));
    process.on('SIGTERM', close);
    process.on('SIGINT', close);
    return;
  }
  if (command === 'init') {
    const dir = resolve(arg ?? 'engine-auth');
    const key = await ensureEngineKey(dir);
    const namespace = process.env.TEMPORAL_NAMESPACE || 'default';
    // For docker compose's .env: the public key set and the three tokens; the private key stays in `dir`.
    console.log(`# The engine's key is ${join(dir, 'signing-key.jwk')} (keep it; it mints these tokens). For .env:`);
    console.log(`TEMPORAL_JWKS='${key.jwks}'`);
    console.log(`TEMPORAL_APP_TOKEN=${await mintToken(key.privateJwk, 'app', { namespace })}`);
    console.log(`TEMPORAL_UI_TOKEN=${await mintToken(key.privateJwk, 'ui', { namespace })}`);
    console.log(`TEMPORAL_ADMIN_TOKEN=${await mintToken(key.privateJwk, 'admin', { namespace })}`);
    return;
  }
  console.error('usage: engine-auth init <dir> | serve');
  process.exit(64);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv[2], process.argv[3]).catch((err) => {
    console.error(`engine-auth: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
