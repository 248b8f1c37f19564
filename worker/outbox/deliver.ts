// One webhook attempt: a POST that is checked before it leaves (worker/outbox/ssrf.ts), never
// follows a redirect, and gives up when the connection is not made within the connect timeout
// or the status line has not come within the response timeout, so a dead endpoint costs at
// most that much of one of its own agency's slots and nothing of anyone else's.
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { hostOf, notifyUrlRefusal, type NotifyPolicy } from './url-policy';
import { guardedLookup, systemResolve, type Resolve } from './ssrf';

export interface AttemptLimits {
  connectTimeoutMs: number;
  responseTimeoutMs: number;
}

export interface AttemptResult {
  /** The HTTP status, or null when none came. */
  status: number | null;
  /** Why the attempt failed, or null for a 2xx. */
  error: string | null;
}

function describe(err: unknown): string {
  if (err instanceof AggregateError) return err.errors.map(describe).join('; ') || 'connection failed';
  if (err instanceof Error) return err.message || (err as NodeJS.ErrnoException).code || err.name;
  return String(err);
}

function outcome(res: IncomingMessage): AttemptResult {
  const status = res.statusCode ?? 0;
  if (status >= 200 && status < 300) return { status, error: null };
  if (status >= 300 && status < 400) {
    return { status, error: `HTTP ${status}: redirects are not followed (Location: ${res.headers.location ?? 'none'}); set the endpoint's own URL` };
  }
  return { status, error: `HTTP ${status}` };
}

/** POSTs `body` to `url`; resolves (never rejects) with what happened. */
export function post(
  url: string, headers: Record<string, string>, body: string,
  opts: AttemptLimits & { policy: NotifyPolicy; resolve?: Resolve },
): Promise<AttemptResult> {
  const refusal = notifyUrlRefusal(url, opts.policy);
  if (refusal) return Promise.resolve({ status: null, error: `refused: notifyUrl ${refusal}` });
  const target = new URL(url);
  const secure = target.protocol === 'https:';
  return new Promise((resolve) => {
    let done = false;
    let connectTimer: NodeJS.Timeout | undefined;
    let responseTimer: NodeJS.Timeout | undefined;
    let req: ClientRequest | undefined;
    const finish = (result: AttemptResult) => {
      if (done) return;
      done = true;
      clearTimeout(connectTimer);
      clearTimeout(responseTimer);
      req?.destroy();
      resolve(result);
    };
    try {
      req = (secure ? httpsRequest : httpRequest)(target, {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        // A connection of its own: no pooled socket outlives the check of its address.
        agent: false,
        lookup: guardedLookup(hostOf(target), opts.policy, opts.resolve ?? systemResolve),
      });
    } catch (err) {
      finish({ status: null, error: describe(err) });
      return;
    }
    connectTimer = setTimeout(
      () => finish({ status: null, error: `no connection within ${opts.connectTimeoutMs} ms` }), opts.connectTimeoutMs);
    responseTimer = setTimeout(
      () => finish({ status: null, error: `no answer within ${opts.responseTimeoutMs} ms` }), opts.responseTimeoutMs);
    req.on('socket', (socket) => {
      socket.once(secure ? 'secureConnect' : 'connect', () => clearTimeout(connectTimer));
    });
    // The status line is the answer; the body is not read (and its cut-off end is no error).
    req.on('response', (res) => {
      res.on('error', () => {});
      finish(outcome(res));
    });
    req.on('error', (err) => finish({ status: null, error: describe(err) }));
    req.end(body);
  });
}
