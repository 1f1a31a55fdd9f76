// Fuzzing the downloader (issue 14): a loopback server answers with mutated and malformed
// answers (bad status lines and headers, conflicting lengths, broken chunking, huge heads, early
// closes, resets, stalls), split at random points. Seeded, so every run sends the same cases.
// For each case the downloader must settle within its deadlines, never leave an error body or a
// truncated body as the finished file, keep only real body bytes in the `.part` file, and report
// every failure in words. A crash (undici's #5360 among them) fails the run as an unhandled error.
import { promises as fs } from 'node:fs';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DownloadError } from '../../electron/services/downloads/errors';
import { partPathOf, runTransfer } from '../../electron/services/downloads/transfer';
import { startRawServer, type RawServer } from './support/raw-server';

const SEED = 0x14_2026;
const CASES = 150;
const CONCURRENCY = 16;
/** Deadlines of the downloader in these cases (the head in total; the body's silence). */
const DEADLINE_MS = 400;
/** A case still unsettled this long after its start has hung. */
const HANG_MS = 4 * DEADLINE_MS + 4000;

/** Mulberry32: small, seeded, good enough to pick cases. */
function prng(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)],
    bytes: (count: number) => Buffer.from(Array.from({ length: count }, () => Math.floor(next() * 256))),
    chance: (p: number) => next() < p,
  };
}
type Rng = ReturnType<typeof prng>;

/** `exact`: must succeed with `body`; `fail`: must fail; `either`: may fail, and if it succeeds, with `body`. */
type Expectation = 'exact' | 'fail' | 'either';
type Ending = 'fin' | 'cut' | 'reset' | 'stall-head' | 'slow-head' | 'stall-body';

interface Answer {
  status: string;
  headers: string[];
  /** The body bytes as framed (chunked: the chunks' data). */
  body: Buffer;
  /** The body on the wire. */
  wire: Buffer;
  /** Bytes before the head (interim answers). */
  before: string;
  lineEnd: string;
}

interface Plan {
  id: number;
  label: string[];
  expectation: Expectation;
  /** What the finished file must hold if the case succeeds. */
  expected: Buffer;
  /** A body without length that a reset ended: Linux may report the reset as a close, and the
   *  close ends such a body, so any prefix of it is a valid whole (HTTP cannot tell). */
  anyPrefix: boolean;
  /** What the `.part` file may hold a prefix of. */
  body: Buffer;
  s3: boolean;
  /** The share URL's answer in S3 mode (a redirect to /__s3/<id>). */
  shareAnswer?: string;
  wire: Buffer;
  headLength: number;
  ending: Ending;
  /** Where the ending happens (cut, reset, stalls). */
  at: number;
  smallPieces: boolean;
}

function frame(rng: Rng, body: Buffer, framing: 'length' | 'chunked' | 'close'): { headers: string[]; wire: Buffer } {
  if (framing === 'length') return { headers: [`Content-Length: ${body.length}`], wire: body };
  if (framing === 'close') return { headers: ['Connection: close'], wire: body };
  const parts: Buffer[] = [];
  for (let at = 0; at < body.length;) {
    const size = Math.min(body.length - at, rng.pick([1, 2, 7, 100, 4096, 20_000, 65_536]));
    const extension = rng.chance(0.1) ? ';name=value' : '';
    parts.push(Buffer.from(`${size.toString(16)}${extension}\r\n`), body.subarray(at, at + size), Buffer.from('\r\n'));
    at += size;
  }
  parts.push(Buffer.from(rng.chance(0.2) ? '0\r\nX-Trailer: 1\r\n\r\n' : '0\r\n\r\n'));
  return { headers: ['Transfer-Encoding: chunked'], wire: Buffer.concat(parts) };
}

const JSON_ERROR = Buffer.from('{"message":"File not found in workspace.","success":false}');

function planCase(id: number, rng: Rng): Plan {
  const label: string[] = [];
  let expectation: Expectation = 'exact';
  const worsen = (to: Expectation) => {
    if (to === 'fail' || (to === 'either' && expectation === 'exact')) expectation = to;
  };
  const framing = rng.pick(['length', 'length', 'chunked', 'chunked', 'close'] as const);
  const s3 = rng.chance(0.3);
  let body = rng.bytes(rng.pick([0, 1, 17, 5000, 20_000, 150_000]));
  label.push(`${framing}${s3 ? ' via S3 redirect' : ''}, ${body.length} bytes`);

  const mutations = rng.chance(0.3) ? [] : Array.from({ length: rng.int(1, 2) }, () => rng.pick(MUTATIONS));
  if (mutations.includes('json-error-200')) body = JSON_ERROR;
  const framed = frame(rng, body, framing);
  const answer: Answer = {
    status: 'HTTP/1.1 200 OK',
    headers: ['Content-Type: application/octet-stream', `X-Request-Id: ${rng.bytes(8).toString('hex')}`, ...framed.headers, 'ETag: "abc"'],
    body,
    wire: framed.wire,
    before: '',
    lineEnd: '\r\n',
  };
  let shareAnswer = s3 ? `HTTP/1.1 301 Moved Permanently\r\nLocation: /__s3/${id}?X-Amz-Expires=3600\r\nContent-Length: 0\r\n\r\n` : undefined;

  for (const mutation of mutations) {
    if ((mutation === 'redirect-loop' || mutation === 'redirect-no-location') && !s3) continue;
    const applied = applyMutation(mutation, answer, framing, rng);
    if (applied === null) continue;
    label.push(mutation);
    worsen(applied);
    if (mutation === 'redirect-loop' && s3) shareAnswer = `HTTP/1.1 301 Moved Permanently\r\nLocation: /share/results/${id}/f.bin\r\nContent-Length: 0\r\n\r\n`;
    if (mutation === 'redirect-no-location' && s3) shareAnswer = 'HTTP/1.1 301 Moved Permanently\r\nContent-Length: 0\r\n\r\n';
  }
  if (mutations.includes('json-error-200')) worsen('fail');

  const head = `${answer.before}${[answer.status, ...answer.headers].join(answer.lineEnd)}${answer.lineEnd}${answer.lineEnd}`;
  const wire = Buffer.concat([Buffer.from(head, 'latin1'), answer.wire]);
  const headLength = Buffer.byteLength(head, 'latin1');
  let expected = answer.body;
  const ending = rng.chance(0.6) ? 'fin' : rng.pick(['cut', 'cut', 'reset', 'stall-head', 'slow-head', 'stall-body'] as const);
  let at = wire.length;
  if (ending === 'cut' || ending === 'reset' || ending === 'stall-body') at = rng.int(headLength, Math.max(headLength, wire.length - 1));
  if (ending === 'stall-head') at = rng.int(0, headLength - 1);
  if (ending !== 'fin') label.push(`${ending} at ${at} of ${wire.length}`);
  const allSent = at >= wire.length;
  let anyPrefix = false;
  if (ending === 'cut' && framing === 'close' && at >= headLength) {
    // Without a length, the close ends the body: what came is the whole answer.
    expected = answer.body.subarray(0, at - headLength);
  } else if (ending === 'reset' && framing === 'close' && at >= headLength) {
    anyPrefix = true;
    worsen('either');
  } else if (ending === 'reset' && allSent) {
    worsen('either'); // the reset may reach the client before it has read the last bytes
  } else if (ending === 'stall-body' && allSent && framing === 'close') {
    worsen('fail'); // a body without length never ends while the connection stays open
  } else if (ending !== 'fin' && !allSent) {
    worsen('fail');
  } else if (ending === 'slow-head' || ending === 'stall-head') {
    worsen('fail');
  }
  return {
    id,
    label,
    expectation,
    expected,
    anyPrefix,
    body: answer.body,
    s3,
    shareAnswer,
    wire,
    headLength,
    ending,
    at,
    smallPieces: rng.chance(0.5),
  };
}

const MUTATIONS = [
  'status-code',
  'reason-junk',
  'header-junk',
  'head-flip',
  'lf-only',
  'huge-head',
  'interim-103',
  'interim-100',
  'json-error-200',
  'dup-length',
  'te-and-length',
  'te-gzip',
  'length-sign',
  'length-longer',
  'chunk-size-bad',
  'chunk-data-longer',
  'chunk-missing-crlf',
  'no-last-chunk',
  'garbage',
  'redirect-loop',
  'redirect-no-location',
] as const;
type Mutation = (typeof MUTATIONS)[number];

/** Changes `answer`; returns what the case may then do, or null when the mutation does not apply. */
function applyMutation(mutation: Mutation, answer: Answer, framing: 'length' | 'chunked' | 'close', rng: Rng): Expectation | null {
  const lengthIndex = answer.headers.findIndex((line) => line.startsWith('Content-Length:'));
  switch (mutation) {
    case 'status-code': {
      answer.status = `HTTP/1.1 ${rng.pick([201, 204, 206, 301, 302, 400, 403, 404, 500, 503, 999])} Whatever`;
      return 'fail';
    }
    case 'reason-junk':
      answer.status = `HTTP/1.1 200 ${rng
        .bytes(rng.int(0, 40))
        .toString('latin1')
        .replace(/[\r\n]/g, ' ')}`;
      return 'either';
    case 'header-junk': {
      const value = rng.bytes(rng.int(0, 60)).toString('latin1');
      answer.headers.splice(rng.int(0, answer.headers.length), 0, `X-${rng.bytes(3).toString('hex')}: ${value}`);
      return 'either';
    }
    case 'head-flip': {
      // A byte of the reason phrase or of a header that says nothing about framing.
      const lines = [0, ...answer.headers.map((line, i) => (/^(content-length|transfer-encoding|connection):/i.test(line) ? -1 : i + 1)).filter((i) => i > 0)];
      const line = rng.pick(lines);
      const text = line === 0 ? answer.status : answer.headers[line - 1];
      const from = line === 0 ? 'HTTP/1.1 '.length : 0;
      if (text.length <= from) return null;
      const at = rng.int(from, text.length - 1);
      const flipped = `${text.slice(0, at)}${String.fromCharCode(rng.int(0, 255))}${text.slice(at + 1)}`;
      if (line === 0) answer.status = flipped;
      else answer.headers[line - 1] = flipped;
      return 'either';
    }
    case 'lf-only':
      answer.lineEnd = '\n';
      return 'either';
    case 'huge-head':
      for (let i = 0; i < 20; i++) answer.headers.push(`X-Big-${i}: ${'b'.repeat(1000)}`);
      return 'fail';
    case 'interim-103':
      answer.before = `HTTP/1.1 103 Early Hints\r\nLink: </style.css>\r\n\r\n${answer.before}`;
      return 'exact';
    case 'interim-100':
      answer.before = `HTTP/1.1 100 Continue\r\n\r\n${answer.before}`;
      return 'either';
    case 'json-error-200':
      return 'fail'; // the body was swapped before framing
    case 'dup-length':
      if (lengthIndex < 0) return null;
      answer.headers.push(`Content-Length: ${answer.body.length + rng.int(1, 9)}`);
      return 'fail';
    case 'te-and-length':
      if (framing === 'close') return null;
      answer.headers.push(framing === 'length' ? 'Transfer-Encoding: chunked' : `Content-Length: ${answer.wire.length}`);
      return 'fail';
    case 'te-gzip':
      if (framing !== 'chunked') return null;
      answer.headers = answer.headers.map((line) => (line.startsWith('Transfer-Encoding:') ? 'Transfer-Encoding: gzip, chunked' : line));
      return 'fail';
    case 'length-sign':
      if (lengthIndex < 0) return null;
      answer.headers[lengthIndex] = `Content-Length: +${answer.body.length}`;
      return 'fail';
    case 'length-longer':
      if (lengthIndex < 0) return null;
      answer.headers[lengthIndex] = `Content-Length: ${answer.body.length + rng.int(1, 1000)}`;
      return 'fail';
    case 'chunk-size-bad':
    case 'chunk-data-longer':
    case 'chunk-missing-crlf':
    case 'no-last-chunk': {
      if (framing !== 'chunked' || answer.body.length === 0) return null;
      const wire = answer.wire.toString('latin1');
      const lastChunk = wire.lastIndexOf('\r\n0\r\n') + 2;
      if (mutation === 'no-last-chunk') {
        answer.wire = answer.wire.subarray(0, lastChunk);
        return 'fail';
      }
      // The first chunk: its size line ends at the first CRLF.
      const sizeEnd = wire.indexOf('\r\n');
      const size = parseInt(wire.slice(0, sizeEnd), 16);
      const dataEnd = sizeEnd + 2 + size;
      const bad = rng.pick(['zz', '1\r0', '-1', 'fffffffffffffffffff', '0x10', '', ' 1']);
      const rest = answer.wire.subarray(dataEnd);
      const data = answer.wire.subarray(sizeEnd + 2, dataEnd);
      if (mutation === 'chunk-size-bad') answer.wire = Buffer.concat([Buffer.from(`${bad}\r\n`, 'latin1'), data, rest]);
      if (mutation === 'chunk-data-longer') answer.wire = Buffer.concat([answer.wire.subarray(0, dataEnd), Buffer.from('Z'), rest]);
      if (mutation === 'chunk-missing-crlf') answer.wire = Buffer.concat([answer.wire.subarray(0, dataEnd), rest.subarray(2)]);
      return 'fail';
    }
    case 'garbage':
      answer.before = rng.bytes(rng.int(1, 600)).toString('latin1');
      return 'either';
    case 'redirect-loop':
    case 'redirect-no-location':
      return 'fail'; // applied to the share answer (S3 mode only)
  }
}

/** Writes the case's answer with its ending; small pieces split heads and chunk lines anywhere. */
async function play(socket: net.Socket, plan: Plan, rng: Rng): Promise<void> {
  const until = plan.ending === 'fin' || plan.ending === 'slow-head' ? plan.wire.length : plan.at;
  let at = 0;
  while (at < until && !socket.destroyed) {
    const size = plan.ending === 'slow-head' ? 1 : plan.smallPieces ? (at < plan.headLength + 300 ? rng.int(1, 16) : rng.int(1, 16_384)) : until;
    const piece = plan.wire.subarray(at, Math.min(until, at + size));
    at += piece.length;
    if (!socket.write(piece)) await new Promise((resolve) => socket.once('drain', resolve).once('close', resolve));
    if (plan.ending === 'slow-head') await new Promise((resolve) => setTimeout(resolve, 40));
    else if (plan.smallPieces) await new Promise((resolve) => setImmediate(resolve));
  }
  if (socket.destroyed) return;
  if (plan.ending === 'reset') socket.resetAndDestroy();
  else if (plan.ending === 'fin' || plan.ending === 'cut' || plan.ending === 'slow-head') socket.end();
  // stall-head / stall-body: the connection stays open and silent
}

describe('downloader fuzz', () => {
  let server: RawServer;
  let dir: string;
  const plans = new Map<number, Plan>();

  beforeAll(async () => {
    const rng = prng(SEED);
    for (let id = 0; id < CASES; id++) plans.set(id, planCase(id, rng));
    server = await startRawServer((socket, head) => {
      const target = /^GET (\S+)/.exec(head)?.[1] ?? '';
      const match = /^\/(share\/results|__s3)\/(\d+)/.exec(target);
      const plan = match ? plans.get(Number(match[2])) : undefined;
      if (!plan) return socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
      if (match![1] === 'share/results' && plan.shareAnswer) return socket.end(plan.shareAnswer);
      return play(socket, plan, prng(SEED + plan.id));
    });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dl-fuzz-'));
  });
  afterAll(async () => {
    await server.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it(`settles ${CASES} mutated answers within the deadlines, never keeping a broken body as the file`, async () => {
    const summary = { succeeded: 0, failed: 0 };
    const problems: string[] = [];

    async function runCase(plan: Plan): Promise<void> {
      const finalPath = path.join(dir, `case-${plan.id}`, 'f.bin');
      const what = `case ${plan.id} (${plan.label.join('; ')}, expected ${plan.expectation})`;
      let hang: NodeJS.Timeout | undefined;
      const outcome = await Promise.race([
        runTransfer({ url: `${server.origin}/share/results/${plan.id}/f.bin`, finalPath, timeoutMs: DEADLINE_MS, headDeadlineMs: DEADLINE_MS }).then(
          () => ({ ok: true as const }),
          (error: unknown) => ({ ok: false as const, error }),
        ),
        new Promise<'hung'>((resolve) => (hang = setTimeout(() => resolve('hung'), HANG_MS))),
      ]);
      clearTimeout(hang);
      if (outcome === 'hung') return void problems.push(`${what}: still running after ${HANG_MS} ms`);
      const file = await fs.readFile(finalPath).catch(() => null);
      const part = await fs.readFile(partPathOf(finalPath)).catch(() => null);
      if (outcome.ok) {
        summary.succeeded++;
        if (plan.expectation === 'fail') problems.push(`${what}: succeeded`);
        else if (!file || !(plan.anyPrefix ? plan.expected.subarray(0, file.length) : plan.expected).equals(file)) {
          problems.push(`${what}: the file differs from the body (${file?.length} bytes)`);
        }
        return;
      }
      summary.failed++;
      const { error } = outcome;
      if (!(error instanceof DownloadError)) return void problems.push(`${what}: failed with ${String(error)}, not a DownloadError`);
      if (!/^[A-Z][a-z]+ [a-z]/.test(error.message) || /undefined|\[object|null\b/.test(error.message)) problems.push(`${what}: no words: ${error.message}`);
      if (plan.expectation === 'exact') problems.push(`${what}: failed: ${error.message}`);
      if (file) problems.push(`${what}: failed but left ${file.length} bytes as the finished file`);
      // A break keeps what arrived for a free resume: only real body bytes, never an error page.
      if (part && !plan.body.subarray(0, part.length).equals(part)) problems.push(`${what}: the .part file holds bytes that are not the body's`);
    }

    const queue = [...plans.values()];
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let plan = queue.shift(); plan; plan = queue.shift()) await runCase(plan);
      }),
    );
    expect(problems).toEqual([]);
    // The cases reach both ends, and the mix does not drift unnoticed when the generator changes.
    expect(summary.succeeded).toBeGreaterThan(CASES / 6);
    expect(summary.failed).toBeGreaterThan(CASES / 3);
  }, 60_000);
});
