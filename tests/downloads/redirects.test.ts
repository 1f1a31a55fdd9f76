// The redirect policy of result downloads (issue 14): which Location a download follows, and that
// a refusal is a final error in words that spends no further credit.
import { promises as fs, readFileSync } from 'node:fs';
import type { LookupFunction } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Agent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nextStepAfterFailure, DEFAULT_CREDIT_POLICY } from '../../electron/services/downloads/credit-policy';
import { DownloadError } from '../../electron/services/downloads/errors';
import { checkRedirect, isInternalAddress, MAX_REDIRECTS, type RedirectStep } from '../../electron/services/downloads/redirect-policy';
import { createDownloadAgent, directDownloadDispatcher, publicDownloadDispatcher, publicOnlyLookup } from '../../electron/services/downloads/download-agent';
import { dispatcherFor, runTransfer, type TransferOptions } from '../../electron/services/downloads/transfer';
import { startRawServer, tlsDir, type RawServer } from './support/raw-server';

/** A resolver for `net.connect` that answers `address` for every name, in both of Node's forms. */
function fixedLookup(address: string): LookupFunction {
  return (_host, options, callback) => {
    if ((options as { all?: boolean }).all)
      (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address, family: 4 }]);
    else callback(null, address, 4);
  };
}

const PUBLIC_SERVER = new URL('https://imputation.example.org/share/results/abc/chr_1.zip');
const noLookup = () => Promise.reject(new Error('not resolved in this test'));

async function refusal(step: Partial<RedirectStep> & { location: string }): Promise<string> {
  const error = await checkRedirect({ server: PUBLIC_SERVER, from: PUBLIC_SERVER, visited: [PUBLIC_SERVER.href], lookup: noLookup, ...step }).then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(DownloadError);
  expect((error as DownloadError).code).toBe('redirect-refused');
  return (error as DownloadError).message;
}

describe('checkRedirect', () => {
  it('follows https to a public host, relative locations included', async () => {
    const next = await checkRedirect({
      server: PUBLIC_SERVER,
      from: PUBLIC_SERVER,
      location: 'https://bucket.s3.amazonaws.com/chr_1.zip?X-Amz-Expires=3600#frag',
      visited: [PUBLIC_SERVER.href],
      lookup: async () => ['52.216.1.1'],
    });
    expect(next.href).toBe('https://bucket.s3.amazonaws.com/chr_1.zip?X-Amz-Expires=3600');
    expect((await checkRedirect({ server: PUBLIC_SERVER, from: PUBLIC_SERVER, location: '/s3/chr_1.zip', visited: [], lookup: noLookup })).origin).toBe(
      PUBLIC_SERVER.origin,
    );
  });

  it('refuses a downgrade to http, and http at all from a server that is not http on loopback', async () => {
    expect(await refusal({ location: 'http://bucket.s3.amazonaws.com/x' })).toContain('from https to unencrypted http');
    const httpServer = new URL('http://imputation.example.org/share/results/a/b');
    expect(await refusal({ server: httpServer, from: httpServer, location: 'http://bucket.example.org/x' })).toContain('unencrypted http');
    const secureLocal = new URL('https://localhost:8443/share/results/a/b');
    expect(await refusal({ server: secureLocal, from: secureLocal, location: 'http://localhost:9000/x' })).toContain('from https to unencrypted http');
  });

  it('follows http and internal addresses when the server itself is http on loopback (the demo server)', async () => {
    const demo = new URL('http://127.0.0.1:8082/share/results/a/b');
    for (const location of ['http://127.0.0.1:8082/__s3/a', 'http://localhost:9000/x', 'https://10.0.0.1/x']) {
      await expect(checkRedirect({ server: demo, from: demo, location, visited: [demo.href], lookup: noLookup })).resolves.toBeInstanceOf(URL);
    }
  });

  it.each([
    ['https://127.0.0.1/x'],
    ['https://localhost/x'],
    ['https://api.localhost/x'],
    ['https://10.1.2.3/x'],
    ['https://172.16.0.1/x'],
    ['https://192.168.1.1/x'],
    ['https://169.254.169.254/latest/meta-data/'],
    ['https://0.0.0.0/x'],
    ['https://[::1]/x'],
    ['https://[::]/x'],
    ['https://[fd00::1]/x'],
    ['https://[fe80::1]/x'],
    ['https://[::ffff:192.168.0.1]/x'],
    ['https://0x7f.1/x'], // 127.0.0.1 in another spelling
  ])('refuses %s from a server that is not on loopback', async (location) => {
    expect(await refusal({ location })).toMatch(/an address inside a private or local network/);
  });

  it('refuses a host name that resolves to an internal address, and follows one it cannot resolve', async () => {
    const lookup = async (host: string) => (host === 'metadata.example.org' ? ['93.184.216.34', '169.254.169.254'] : Promise.reject(new Error('ENOTFOUND')));
    expect(await refusal({ location: 'https://metadata.example.org/x', lookup })).toContain('metadata.example.org');
    await expect(
      checkRedirect({ server: PUBLIC_SERVER, from: PUBLIC_SERVER, location: 'https://elsewhere.example.org/x', visited: [], lookup }),
    ).resolves.toBeInstanceOf(URL);
  });

  it('refuses loops, more than five redirects, credit-spending URLs, other schemes and credentials', async () => {
    const a = 'https://cdn.example.org/a';
    expect(await refusal({ location: a, visited: [PUBLIC_SERVER.href, a] })).toContain('round in a circle');
    const chain = Array.from({ length: MAX_REDIRECTS + 1 }, (_, i) => `https://cdn.example.org/${i}`);
    expect(await refusal({ location: 'https://cdn.example.org/next', visited: chain })).toContain(`more than ${MAX_REDIRECTS} redirects`);
    expect(await refusal({ location: '/share/results/other/chr_2.zip' })).toContain('spend a download credit');
    expect(await refusal({ location: '/downloads/job-1/hash/chr_2.zip' })).toContain('spend a download credit');
    expect(await refusal({ location: 'file:///etc/passwd' })).toContain('file, which is not https');
    expect(await refusal({ location: 'https://user:pw@cdn.example.org/x' })).toContain('user name or password');
    expect(await refusal({ location: 'https://[bad' })).toContain('not a valid address');
  });

  it('classifies addresses', () => {
    expect(['8.8.8.8', '52.216.1.1', '2606:4700::1'].map(isInternalAddress)).toEqual([false, false, false]);
    expect(['100.64.0.1', '224.0.0.1', '255.255.255.255', 'fec0::1', 'ff02::1'].map(isInternalAddress)).toEqual([true, true, true, true, true]);
  });

  it('is final for the download manager: no retry spends a credit on it', () => {
    const step = nextStepAfterFailure(
      { code: 'redirect-refused', resumeValid: false, creditsSpent: 1, creditsLeft: 9, earlierRetries: { free: 0, paid: 0 } },
      DEFAULT_CREDIT_POLICY,
    );
    expect(step).toEqual({ action: 'fail' });
  });
});

// The policy inside runTransfer, against loopback servers.
describe('runTransfer redirects', () => {
  let dir: string;
  const closers: (() => Promise<void>)[] = [];
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dl-redirect-'));
  });
  afterEach(async () => {
    while (closers.length) await closers.pop()!();
    await fs.rm(dir, { recursive: true, force: true });
  });

  async function serve(routes: Record<string, (port: number) => string>, secure = false): Promise<RawServer> {
    const server: RawServer = await startRawServer(
      (socket, head) => {
        const target = /^GET (\S+)/.exec(head)?.[1] ?? '';
        const route = routes[new URL(target, 'http://x').pathname];
        socket.end(route ? route(server.port) : 'HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
      },
      { secure },
    );
    closers.push(() => server.close());
    return server;
  }
  const redirect = (location: string) => () => `HTTP/1.1 302 Found\r\nLocation: ${location}\r\nContent-Length: 0\r\n\r\n`;

  async function transferFailure(options: Partial<TransferOptions> & { url: string }): Promise<{ error: DownloadError; credits: number }> {
    let credits = 0;
    const error = await runTransfer({ finalPath: path.join(dir, 'chr_1.zip'), onCreditSpent: () => credits++, ...options }).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(DownloadError);
    expect(await fs.readdir(dir)).toEqual([]); // nothing written
    return { error: error as DownloadError, credits };
  }

  it('refuses a downgrade from the https server to http, without a request there', async () => {
    const plain = await serve({ '/__s3/chr_1.zip': () => 'HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nDATA' });
    const secure = await serve({ '/share/results/abc/chr_1.zip': redirect(`http://127.0.0.1:${plain.port}/__s3/chr_1.zip`) }, true);
    const trusting = new Agent({ connect: { ca: readFileSync(path.join(tlsDir, 'cert.pem')) } });
    closers.push(() => trusting.close());
    const { error, credits } = await transferFailure({ url: `${secure.origin}/share/results/abc/chr_1.zip`, dispatcher: trusting });
    expect(error.code).toBe('redirect-refused');
    expect(error.message).toMatch(/^The server sent the download on to an address this app does not follow.*from https to unencrypted http/);
    expect(credits).toBe(1); // the first answer, and no other
    expect(plain.requests).toEqual([]);
  });

  it('refuses an internal address when the server is not on loopback', async () => {
    // The server is reached by a name (resolved to loopback by this test's dispatcher only), so
    // the policy sees a server on the network, as a real one is.
    const server = await serve({
      '/share/results/abc/chr_1.zip': redirect('https://169.254.169.254/latest/meta-data/chr_1.zip'),
      '/share/results/def/chr_1.zip': redirect('https://metadata.example.test/chr_1.zip'),
    });
    const byName = new Agent({ connect: { lookup: fixedLookup('127.0.0.1') } });
    closers.push(() => byName.close());
    const origin = `http://results.example.test:${server.port}`;
    const literal = await transferFailure({ url: `${origin}/share/results/abc/chr_1.zip`, dispatcher: byName });
    expect(literal.error.code).toBe('redirect-refused');
    expect(literal.error.message).toContain('169.254.169.254, an address inside a private or local network');
    expect(literal.credits).toBe(1);

    const named = await transferFailure({
      url: `${origin}/share/results/def/chr_1.zip`,
      dispatcher: byName,
      lookup: async (host) => (host === 'metadata.example.test' ? ['10.0.0.7'] : []),
    });
    expect(named.error.message).toContain('metadata.example.test, an address inside a private or local network');
    expect(server.requests).toHaveLength(2); // one to each Cloudgene URL, nothing further
  });

  it('refuses at connect time a name that was public for the policy and is internal now (DNS rebinding)', async () => {
    const target = await serve({ '/chr_1.zip': () => 'HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nDATA' });
    const server = await serve({ '/share/results/abc/chr_1.zip': redirect(`https://s3.example.test:${target.port}/chr_1.zip`) });
    const byName = new Agent({ connect: { lookup: fixedLookup('127.0.0.1') } });
    // the redirect's connection resolves the name itself, and now gets loopback
    const rebound = createDownloadAgent(publicOnlyLookup(fixedLookup('127.0.0.1')));
    closers.push(
      () => byName.close(),
      () => rebound.close(),
    );
    const { error, credits } = await transferFailure({
      url: `http://results.example.test:${server.port}/share/results/abc/chr_1.zip`,
      dispatcher: byName,
      publicDispatcher: rebound,
      lookup: async () => ['52.216.1.1'], // what the policy saw a moment earlier
    });
    expect(error.code).toBe('redirect-refused');
    expect(error.message).toContain('s3.example.test now resolves to an address inside a private or local network');
    expect(credits).toBe(1);
    expect(target.requests).toEqual([]);
  });

  it('stops a redirect loop', async () => {
    const server = await serve({
      '/share/results/abc/chr_1.zip': redirect('/a'),
      '/a': redirect('/b'),
      '/b': redirect('/a'),
    });
    const { error, credits } = await transferFailure({ url: `${server.origin}/share/results/abc/chr_1.zip` });
    expect(error.code).toBe('redirect-refused');
    expect(error.message).toContain('the redirects go round in a circle');
    expect(credits).toBe(1);
    expect(server.requests.map((head) => /^GET (\S+)/.exec(head)![1])).toEqual(['/share/results/abc/chr_1.zip', '/a', '/b']);
  });

  it('follows at most five redirects', async () => {
    const routes: Record<string, (port: number) => string> = { '/share/results/abc/chr_1.zip': redirect('/r1') };
    for (let i = 1; i <= 6; i++) routes[`/r${i}`] = redirect(`/r${i + 1}`);
    const server = await serve(routes);
    const { error } = await transferFailure({ url: `${server.origin}/share/results/abc/chr_1.zip` });
    expect(error.message).toContain('more than 5 redirects');
    expect(server.requests).toHaveLength(6); // the Cloudgene URL and five redirects
  });

  it('never follows a redirect to another credit-spending URL of the server', async () => {
    const server = await serve({ '/share/results/abc/chr_1.zip': redirect('/share/results/def/chr_2.zip') });
    const { error, credits } = await transferFailure({ url: `${server.origin}/share/results/abc/chr_1.zip` });
    expect(error.message).toContain('would spend a download credit');
    expect(credits).toBe(1);
    expect(server.requests).toHaveLength(1);
  });
});

describe('the public-only connection of redirect targets', () => {
  const ask = (lookup: LookupFunction, all: boolean) =>
    new Promise<{ error: unknown; address: unknown }>((resolve) =>
      lookup('s3.example.test', { all }, (error: unknown, address: unknown) => resolve({ error, address })),
    );

  it('passes public addresses on as the resolver gave them, in both forms', async () => {
    const guarded = publicOnlyLookup(fixedLookup('52.216.1.1'));
    expect(await ask(guarded, false)).toEqual({ error: null, address: '52.216.1.1' });
    expect(await ask(guarded, true)).toEqual({ error: null, address: [{ address: '52.216.1.1', family: 4 }] });
  });

  it('refuses internal addresses with a final error, in both forms', async () => {
    for (const address of ['10.0.0.7', '169.254.169.254', '127.0.0.1']) {
      for (const all of [false, true]) {
        const { error } = await ask(publicOnlyLookup(fixedLookup(address)), all);
        expect(error).toBeInstanceOf(DownloadError);
        expect((error as DownloadError).code).toBe('redirect-refused');
      }
    }
  });

  it('is what redirect targets of a server on the network go through, unless a proxy connects for us', () => {
    const proxy = new Agent();
    expect(dispatcherFor({}, true)).toBe(publicDownloadDispatcher());
    expect(dispatcherFor({}, false)).toBe(directDownloadDispatcher());
    expect(dispatcherFor({ dispatcher: proxy }, true)).toBe(proxy);
    expect(dispatcherFor({ dispatcher: proxy }, false)).toBe(proxy);
    void proxy.close();
  });
});
