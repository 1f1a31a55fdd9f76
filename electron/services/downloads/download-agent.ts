// The dispatchers of direct downloads (no proxy): undici Agents with explicit limits. Requests
// say `reset: true` (undici-get.ts), so every download has a connection of its own: a GET that
// spends a credit never goes out on a kept-alive connection the server may have closed meanwhile.
//
// Redirected requests of a server that is not on loopback go through the public-only Agent: its
// connections resolve the host name themselves and refuse an internal address (redirect-policy.ts)
// at the moment they connect. The policy's own look-up happens earlier; a name that resolves to a
// public address then and to an internal one now (DNS rebinding) is refused here.
import { lookup as dnsLookup } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { Agent, type Dispatcher } from 'undici';
import { DownloadError } from './errors';
import { isInternalAddress } from './redirect-policy';

/** The most header bytes an answer may have (undici counts names and values). */
export const MAX_HEADER_BYTES = 16 * 1024;
const CONNECT_TIMEOUT_MS = 15_000;

let direct: Agent | null = null;
let publicOnly: Agent | null = null;

export function createDownloadAgent(lookup?: LookupFunction): Agent {
  return new Agent({ connect: { timeout: CONNECT_TIMEOUT_MS, ...(lookup ? { lookup } : {}) }, maxHeaderSize: MAX_HEADER_BYTES });
}

export function directDownloadDispatcher(): Dispatcher {
  direct ??= createDownloadAgent();
  return direct;
}

/** For redirect targets of a server on the network: connects to public addresses only. */
export function publicDownloadDispatcher(): Dispatcher {
  publicOnly ??= createDownloadAgent(publicOnlyLookup());
  return publicOnly;
}

type AddressEntry = { address: string; family: number };

/**
 * A `lookup` for `net.connect` that answers as `base` does, or fails with a final
 * DownloadError('redirect-refused') when any address is internal. Node asks for one address or,
 * with `all: true` (happy eyeballs), for every one; both are checked.
 */
export function publicOnlyLookup(base: LookupFunction = dnsLookup as LookupFunction): LookupFunction {
  return (hostname, options, callback) => {
    base(hostname, options, (error: NodeJS.ErrnoException | null, address: string | AddressEntry[], family?: number) => {
      if (error) {
        callback(error, '', 0);
        return;
      }
      const addresses = Array.isArray(address) ? address.map((entry) => entry.address) : [address];
      if (addresses.some(isInternalAddress)) {
        const refused = new DownloadError('redirect-refused', { detail: `${hostname} now resolves to an address inside a private or local network` });
        callback(refused as unknown as NodeJS.ErrnoException, '', 0);
        return;
      }
      (callback as (error: null, address: string | AddressEntry[], family?: number) => void)(null, address, family);
    });
  };
}
