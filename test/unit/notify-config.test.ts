// Issue 16: the outbox's settings as read from the environment. The defaults allow no
// exception (https to public addresses only), and the allow-lists hold hosts spelled as the
// URL parser spells a notification URL's host, so that an entry matches however it was typed.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config/env';

describe('notification settings', () => {
  it('default to no exceptions, 5 s to connect, 15 s to answer, 84 attempts, 4 at once per agency', () => {
    expect(loadConfig({}).notify).toEqual({
      allowedHttpHosts: [], allowedPrivateHosts: [], connectTimeoutMs: 5_000, responseTimeoutMs: 15_000, maxAttempts: 84, perAgencyConcurrency: 4,
    });
  });

  it('spell each allowed host as a URL host: lower case, punycode, canonical addresses, IPv6 without brackets, no final dot', () => {
    const { allowedPrivateHosts } = loadConfig({ NOTIFY_ALLOWED_PRIVATE_HOSTS: ' 127.0.0.1, [0:0:0:0:0:0:0:1], Hooks.Gov.CN., 政务.中国 ,,' }).notify;
    expect(allowedPrivateHosts).toEqual(['127.0.0.1', '::1', 'hooks.gov.cn', new URL('http://政务.中国/').hostname]);
    expect(allowedPrivateHosts[3]).toMatch(/^xn--/);
  });

  it.each(['http://hooks.gov.cn', 'hooks.gov.cn:8443', 'a b', 'user@hooks.gov.cn', 'hooks.gov.cn/path'])(
    'refuse %s in NOTIFY_ALLOWED_HTTP_HOSTS, naming the variable', (entry) => {
      expect(() => loadConfig({ NOTIFY_ALLOWED_HTTP_HOSTS: entry })).toThrow(ConfigError);
      expect(() => loadConfig({ NOTIFY_ALLOWED_HTTP_HOSTS: entry })).toThrow(/^NOTIFY_ALLOWED_HTTP_HOSTS: must list host names/);
    });

  it.each(['NOTIFY_MAX_ATTEMPTS', 'NOTIFY_CONNECT_TIMEOUT_MS', 'NOTIFY_RESPONSE_TIMEOUT_MS', 'NOTIFY_PER_AGENCY_CONCURRENCY'])(
    'refuse a %s that is not a positive integer', (variable) => {
      expect(() => loadConfig({ [variable]: '0' })).toThrow(new RegExp(`^${variable}: must be a positive integer`));
    });
});
