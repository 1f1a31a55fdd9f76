// Which redirects a result download follows. Cloudgene answers 301 to a pre-signed S3 URL in S3
// mode (docs/server-behaviour.md#downloads-and-credits); a hostile or compromised server could instead send the app to
// plain http, to machines inside the user's network (a router, a cloud metadata service), round in
// circles, or back to download URLs that each spend a credit. So a redirect is followed only:
// - to https, or to http when the imputation server itself is http on loopback (the demo server);
// - to a public address, unless the imputation server itself is on loopback;
// - never to a URL already requested, nor to a credit-spending URL of the server (docs/server-behaviour.md#downloads-and-credits);
// - at most MAX_REDIRECTS times.
// A refusal is a DownloadError('redirect-refused'), which is final: no retry spends a credit on it.
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { DownloadError } from './errors';

export const MAX_REDIRECTS = 5;

/** The addresses a host name resolves to (an empty list when that is unknown). */
export type AddressLookup = (hostname: string) => Promise<string[]>;

export interface RedirectStep {
  /** The imputation server: the origin of the Cloudgene download URL. */
  server: URL;
  /** The URL that answered with the redirect. */
  from: URL;
  location: string;
  /** Every URL requested so far, the Cloudgene URL first. */
  visited: readonly string[];
  /** Resolves host names (default: the system resolver). */
  lookup?: AddressLookup;
}

/** Not public: unspecified, loopback, private (RFC 1918, unique local), shared, link-local, multicast, reserved. */
const INTERNAL = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const) {
  INTERNAL.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const) {
  INTERNAL.addSubnet(network, prefix, 'ipv6');
}
const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** The next URL to request, or a DownloadError('redirect-refused') saying why not. */
export async function checkRedirect(step: RedirectStep): Promise<URL> {
  const refuse = (why: string) => new DownloadError('redirect-refused', { detail: why });
  if (step.visited.length > MAX_REDIRECTS) throw refuse(`more than ${MAX_REDIRECTS} redirects`);
  let next: URL;
  try {
    next = new URL(step.location, step.from);
  } catch {
    throw refuse('the redirect is not a valid address');
  }
  next.hash = '';
  if (next.protocol !== 'https:' && next.protocol !== 'http:') throw refuse(`a redirect to ${next.protocol.replace(/:$/, '')}, which is not https`);
  if (next.username || next.password) throw refuse('a redirect to an address with a user name or password');
  const serverOnLoopback = isLoopbackHost(step.server.hostname);
  if (next.protocol === 'http:' && !(serverOnLoopback && step.server.protocol === 'http:')) {
    throw refuse(step.from.protocol === 'https:' ? 'a redirect from https to unencrypted http' : 'a redirect to unencrypted http');
  }
  if (step.visited.includes(next.href)) throw refuse('the redirects go round in a circle');
  if (next.origin === step.server.origin && /\/(share\/results|downloads|browse|get)\//.test(next.pathname)) {
    throw refuse('a redirect to another download address of the server, which would spend a download credit');
  }
  if (!serverOnLoopback && (await isInternalHost(next.hostname, step.lookup ?? systemLookup))) {
    throw refuse(`a redirect to ${next.hostname}, an address inside a private or local network`);
  }
  return next;
}

/** Loopback by name or address (`localhost`, `*.localhost`, 127.0.0.0/8, ::1). */
export function isLoopbackHost(hostname: string): boolean {
  const host = bare(hostname);
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  const family = isIP(host);
  return family !== 0 && LOOPBACK.check(host, family === 4 ? 'ipv4' : 'ipv6');
}

/** True when `hostname` is, or resolves to, an address that is not public. */
export async function isInternalHost(hostname: string, resolve: AddressLookup): Promise<boolean> {
  const host = bare(hostname);
  if (isLoopbackHost(host)) return true;
  if (isIP(host)) return isInternalAddress(host);
  let addresses: string[];
  try {
    addresses = await resolve(host);
  } catch {
    return false; // unknown here (offline, or only the proxy resolves names): the connection decides
  }
  return addresses.some(isInternalAddress);
}

export function isInternalAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  return INTERNAL.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

async function systemLookup(hostname: string): Promise<string[]> {
  return (await lookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);
}

function bare(hostname: string): string {
  return hostname
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '')
    .toLowerCase();
}
