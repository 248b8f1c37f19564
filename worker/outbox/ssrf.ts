// The outbox's resolver (issue 16, server-side request forgery): a name is resolved once per
// attempt and the connection goes to the addresses checked here, never to a second answer
// from DNS; a name with any loopback, link-local or private address is refused (unless an
// ADMIN allows the host), whatever the URL looked like when it was set.
import { promises as dns, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { addressRefusal, type NotifyPolicy } from './url-policy';

/** Every address of a name; the system resolver unless a test gives another. */
export type Resolve = (hostname: string) => Promise<LookupAddress[]>;

export const systemResolve: Resolve = (hostname) => dns.lookup(hostname, { all: true, verbatim: true });

export class AddressRefused extends Error {
  readonly code = 'ENOTIFYREFUSED';
}

/** A `lookup` for http.request that refuses what `host` may not reach. */
export function guardedLookup(host: string, policy: NotifyPolicy, resolve: Resolve): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then((all) => {
      if (all.length === 0) throw new Error(`${hostname} has no address`);
      for (const a of all) {
        const why = addressRefusal(host, a.address, policy);
        if (why) throw new AddressRefused(`refused: ${hostname} resolves to ${why}`);
      }
      const wanted = options.family === 4 || options.family === 6 ? all.filter((a) => a.family === options.family) : all;
      if (wanted.length === 0) throw new Error(`${hostname} has no IPv${options.family} address`);
      if (options.all) callback(null, wanted);
      else callback(null, wanted[0].address, wanted[0].family);
    }).catch((err: NodeJS.ErrnoException) => callback(err, '', 0));
  };
}
