import { afterEach, describe, expect, it } from 'vitest';
import { CloudgeneClient } from '../../electron/services/cloudgene/client';
import { CloudgeneError, type CloudgeneErrorCode } from '../../electron/services/cloudgene/errors';
import { fixed, startTinyServer, type TinyHandler, type TinyServer } from './tiny-server';

let server: TinyServer | undefined;
let client: CloudgeneClient | undefined;

afterEach(async () => {
  await client?.close();
  await server?.close();
  client = undefined;
  server = undefined;
});

async function failureOf(
  handler: TinyHandler,
  call: (c: CloudgeneClient) => Promise<unknown>,
  timeouts?: { headersMs: number; bodyMs: number },
): Promise<CloudgeneError> {
  server = await startTinyServer(handler);
  client = new CloudgeneClient({ baseUrl: server.url, token: 'tok', userAgent: 'test/1', timeouts });
  const error = await call(client).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CloudgeneError);
  return error as CloudgeneError;
}

const shapeB = (message: string) =>
  JSON.stringify({ message, _links: { self: [{ href: '/api/v2/jobs', templated: false }] }, _embedded: { errors: [{ message }] } });
const shapeA = (message: string) => JSON.stringify({ message, success: false });

const cases: { name: string; status: number; body: string; type?: string; code: CloudgeneErrorCode; serverMessage?: string }[] = [
  { name: '401 shape B', status: 401, body: shapeB('Unauthorized'), code: 'unauthorized', serverMessage: 'Unauthorized' },
  { name: '403 shape B (revoked or replaced token)', status: 403, body: shapeB('Forbidden'), code: 'token-revoked', serverMessage: 'Forbidden' },
  { name: "403 shape A (someone else's job)", status: 403, body: shapeA('Access denied.'), code: 'forbidden', serverMessage: 'Access denied.' },
  { name: '403 with an empty body (TOPMed profile)', status: 403, body: '', code: 'forbidden' },
  { name: '404 shape A', status: 404, body: shapeA('Job job-1 not found.'), code: 'not-found', serverMessage: 'Job job-1 not found.' },
  {
    name: '503 maintenance',
    status: 503,
    body: shapeA('This functionality is currently under maintenance.'),
    code: 'maintenance',
    serverMessage: 'This functionality is currently under maintenance.',
  },
  {
    name: '400 job limit',
    status: 400,
    body: shapeA('Only 3 jobs per user can be executed simultaneously.'),
    code: 'job-limit',
    serverMessage: 'Only 3 jobs per user can be executed simultaneously.',
  },
  { name: '400 unknown parameter', status: 400, body: shapeA("Parameter 'xyz' not found."), code: 'bad-request', serverMessage: "Parameter 'xyz' not found." },
  {
    name: '400 shape C raw text',
    status: 400,
    body: 'java.lang.NullPointerException: Cannot invoke "String.length()"',
    type: 'text/plain',
    code: 'bad-request',
    serverMessage: 'java.lang.NullPointerException: Cannot invoke "String.length()"',
  },
  {
    name: '413 shape B',
    status: 413,
    body: shapeB('The content length [9000] exceeds the maximum allowed content length [100]'),
    code: 'too-large',
    serverMessage: 'The content length [9000] exceeds the maximum allowed content length [100]',
  },
  {
    name: '502 HTML page',
    status: 502,
    body: '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr>nginx</body></html>',
    type: 'text/html',
    code: 'server-error',
    serverMessage: '502 Bad Gateway',
  },
  { name: '500 shape B', status: 500, body: shapeB('Internal Server Error: boom'), code: 'server-error', serverMessage: 'Internal Server Error: boom' },
  { name: '415 shape B', status: 415, body: shapeB('Unsupported Media Type'), code: 'bad-request', serverMessage: 'Unsupported Media Type' },
  { name: '200 malformed JSON', status: 200, body: '{"count": 3, "data": [', code: 'invalid-response' },
  { name: '200 HTML (a login portal)', status: 200, body: '<html><body>Sign in</body></html>', type: 'text/html', code: 'invalid-response' },
  { name: '200 JSON of the wrong shape', status: 200, body: JSON.stringify({ hello: 'world' }), code: 'invalid-response' },
  { name: '302 redirect', status: 302, body: '', code: 'invalid-response' },
];

describe('HTTP answers map to one error code, keeping the server message', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const error = await failureOf(fixed(c.status, c.body, c.type), (cl) => cl.jobs({ page: 1 }));
      expect(error.code).toBe(c.code);
      if (c.status !== 200) expect(error.status).toBe(c.status);
      expect(error.serverMessage).toBe(c.serverMessage);
    });
  }

  it('keeps the server message in the words for the user when it says more than the code', async () => {
    const error = await failureOf(fixed(400, shapeA("Parameter 'xyz' not found.")), (cl) => cl.job('job-1'));
    expect(error.message).toContain("Parameter 'xyz' not found.");
    expect(error.toJSON()).toMatchObject({ code: 'bad-request', status: 400, serverMessage: "Parameter 'xyz' not found." });
  });
});

describe('transport failures', () => {
  it('a connection dropped before the answer is a network error', async () => {
    const error = await failureOf(
      (req) => req.socket.destroy(),
      (cl) => cl.server(),
    );
    expect(error.code).toBe('network');
  });

  it('a server that never answers is a timeout (short timeout option)', async () => {
    const error = await failureOf(
      () => undefined,
      (cl) => cl.counters(),
      { headersMs: 1000, bodyMs: 1000 },
    );
    expect(error.code).toBe('timeout');
  });

  it('a body that stops half-way is a timeout', async () => {
    const handler: TinyHandler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"count": 1, ');
    };
    const error = await failureOf(handler, (cl) => cl.jobs(), { headersMs: 5000, bodyMs: 1000 });
    expect(error.code).toBe('timeout');
  });

  it('an aborted call is canceled', async () => {
    const controller = new AbortController();
    const error = await failureOf(
      () => controller.abort(),
      (cl) => cl.counters({ signal: controller.signal }),
    );
    expect(error.code).toBe('canceled');
  });

  it('a refused connection is a network error', async () => {
    const probe = await startTinyServer(fixed(200, '{}'));
    const url = probe.url;
    await probe.close();
    client = new CloudgeneClient({ baseUrl: url, userAgent: 'test/1' });
    const error = await client.counters().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CloudgeneError);
    expect((error as CloudgeneError).code).toBe('network');
  });

  it('a call that needs a token fails before sending when none is set', async () => {
    server = await startTinyServer(fixed(200, '{}'));
    client = new CloudgeneClient({ baseUrl: server.url, token: () => null, userAgent: 'test/1' });
    const error = await client.jobs().catch((e: unknown) => e);
    expect((error as CloudgeneError).code).toBe('unauthorized');
    expect(server.requests).toHaveLength(0);
  });
});
