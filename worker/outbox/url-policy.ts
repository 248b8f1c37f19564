// Where the outbox may POST (issue 16, server-side request forgery): an agency's notification
// URL is https, or http to a host an ADMIN allows; it never reaches a loopback, link-local or
// private address unless an ADMIN allows that host. Checked when the URL is set (the API) and
// again before every attempt, on every address the name resolves to (worker/outbox/ssrf.ts).
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/** The ADMIN's exceptions (NOTIFY_ALLOWED_HTTP_HOSTS, NOTIFY_ALLOWED_PRIVATE_HOSTS). */
export interface NotifyPolicy {
  allowedHttpHosts: string[];
  allowedPrivateHosts: string[];
}

/** Never called, whatever the allow-lists say: nothing that answers a webhook lives there. */
const NEVER = new Set(['unspecified', 'broadcast', 'multicast']);

const LABELS: Record<string, string> = {
  loopback: 'a loopback address',
  linkLocal: 'a link-local address',
  private: 'a private address',
  uniqueLocal: 'a private (unique local) address',
  carrierGradeNat: 'a shared (carrier-grade NAT) address',
  invalid: 'not an IP address',
  unspecified: 'the unspecified address',
  broadcast: 'the broadcast address',
  multicast: 'a multicast address',
};

/** The URL's host as the allow-lists hold it: lower case, IPv6 without brackets, no final dot. */
export function hostOf(url: URL): string {
  return url.hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
}

/** The kind of a non-public address (ipaddr.js's range name), or null for public unicast. */
export function addressRange(address: string): string | null {
  if (isIP(address) === 0) return 'invalid';
  // ::ffff:127.0.0.1 is 127.0.0.1.
  const range = ipaddr.process(address).range();
  return range === 'unicast' ? null : range;
}

/** Why `host` may not be reached at `address`, or null when it may. */
export function addressRefusal(host: string, address: string, policy: NotifyPolicy): string | null {
  const range = addressRange(address);
  if (range === null) return null;
  if (!NEVER.has(range) && policy.allowedPrivateHosts.includes(host)) return null;
  const what = `${address}, ${LABELS[range] ?? `a reserved address (${range})`}`;
  return NEVER.has(range) ? what : `${what}, and ${host} is not in NOTIFY_ALLOWED_PRIVATE_HOSTS`;
}

/**
 * Why a notification URL is refused, or null. Names are checked here only when they always
 * mean this machine (localhost); every other name is checked on what it resolves to, at delivery.
 */
export function notifyUrlRefusal(raw: string, policy: NotifyPolicy): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'is not a URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an https URL';
  if (url.username || url.password) return 'must not carry a user name or password (webhooks are signed)';
  const host = hostOf(url);
  if (isIP(host) !== 0) {
    const why = addressRefusal(host, host, policy);
    if (why) return `points at ${why}`;
  } else if ((host === 'localhost' || host.endsWith('.localhost')) && !policy.allowedPrivateHosts.includes(host)) {
    // RFC 6761: localhost and every name under it are this machine, whatever DNS says.
    return `points at ${host}, this machine, and ${host} is not in NOTIFY_ALLOWED_PRIVATE_HOSTS`;
  }
  if (url.protocol === 'http:' && !policy.allowedHttpHosts.includes(host)) {
    return `must be https (plain http only to a host in NOTIFY_ALLOWED_HTTP_HOSTS, and ${host} is not)`;
  }
  return null;
}
