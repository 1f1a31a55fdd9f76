import { createHmac } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { RequestContext } from '../context';
import type { Job, OutputFile } from '../jobs/model';
import { sendShapeA, sendText } from '../responses';

const S3_EXPIRES_S = 3600;

/** Passes at most `limit` bytes, then kills the connection (test-only `drop-download` fault). */
function dropAfter(limit: number, ctx: RequestContext): Transform {
  let sent = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      const room = limit - sent;
      if (room <= 0) {
        ctx.res.socket?.destroy();
        done(new Error('dropped'));
        return;
      }
      sent += chunk.length;
      if (chunk.length > room) {
        done(null, chunk.subarray(0, room));
        setImmediate(() => ctx.res.socket?.destroy());
        return;
      }
      done(null, chunk);
    },
  });
}

async function streamFile(ctx: RequestContext, absPath: string, start?: number, end?: number): Promise<void> {
  // 1 MiB reads: at 64 KiB the emulator's own per-chunk work capped loopback transfers near 1 GiB/s
  // and made download benchmarks measure the emulator, not the clients.
  const source = createReadStream(absPath, { start, end, highWaterMark: 1024 * 1024 });
  const drop = ctx.state.options.faults ? ctx.state.faults.take('drop-download', ctx.path) : null;
  try {
    if (drop) await pipeline(source, dropAfter(drop.afterBytes, ctx), ctx.res);
    else await pipeline(source, ctx.res);
  } catch {
    ctx.res.destroy();
  }
}

function s3Signature(ctx: RequestContext, key: string, date: string): string {
  return createHmac('sha256', ctx.state.s3Secret).update(`${key}\n${date}\n${S3_EXPIRES_S}`).digest('hex');
}

const s3Key = (job: Job, file: OutputFile): string => `${job.id}/output/${file.name}`;

/** Spends one credit, then streams (local) or redirects to a pre-signed URL (s3) (docs/server-behaviour.md#downloads-and-credits). */
async function serveFile(ctx: RequestContext, job: Job, file: OutputFile): Promise<void> {
  const { state, res } = ctx;
  if (file.count === 0) {
    sendShapeA(res, 400, 'number of max downloads exceeded.');
    return;
  }
  if (file.count > 0) file.count -= 1; // spent before anything else, even if the file is then missing or the transfer fails
  if (job.filesDeleted || (state.options.storage === 'local' && !existsSync(file.absPath))) {
    sendShapeA(res, 404, 'File not found in workspace.');
    return;
  }
  if (state.options.storage === 's3') {
    const key = s3Key(job, file);
    const date = String(state.clock.now());
    const location =
      `${state.url}/__s3/${state.s3Bucket}/${key.split('/').map(encodeURIComponent).join('/')}` +
      `?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=${date}&X-Amz-Expires=${S3_EXPIRES_S}&X-Amz-Signature=${s3Signature(ctx, key, date)}`;
    res.writeHead(301, { Location: location, 'Content-Length': 0 });
    res.end();
    return;
  }
  // Micronaut streams an InputStream: chunked, no Content-Length, no Range, JSON content type.
  res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
  if (ctx.req.method === 'HEAD') {
    res.end();
    return;
  }
  await streamFile(ctx, file.absPath);
}

/** GET /share/results/{hash}/{name} (the name segment is not checked). */
export async function shareResults(ctx: RequestContext): Promise<void> {
  const entry = ctx.state.engine.fileByHash.get(ctx.params[0]);
  if (!entry) return sendShapeA(ctx.res, 404, 'download not found.');
  await serveFile(ctx, entry.job, entry.file);
}

/** GET /downloads/{jobId}/{hash}/{name}. */
export async function downloadsRoute(ctx: RequestContext): Promise<void> {
  const job = ctx.state.engine.jobs.get(ctx.params[0]);
  if (!job) return sendShapeA(ctx.res, 404, `Job ${ctx.params[0]} not found.`);
  const file = job.output.files.find((f) => f.hash === ctx.params[1]);
  if (!file) return sendShapeA(ctx.res, 404, 'download not found.');
  await serveFile(ctx, job, file);
}

/** GET /browse/{paramHash}/{relative/name}. */
export async function browseRoute(ctx: RequestContext): Promise<void> {
  const job = ctx.state.engine.jobByParamHash.get(ctx.params[0]);
  if (!job) return sendShapeA(ctx.res, 404, `Param for hash ${ctx.params[0]} not found.`);
  const file = job.output.files.find((f) => f.name === ctx.params[1]);
  if (!file) return sendShapeA(ctx.res, 404, 'download not found.');
  await serveFile(ctx, job, file);
}

/** GET /get/{paramHash}: the "download all" bash script (served as application/json). */
export function downloadScript(ctx: RequestContext): void {
  const job = ctx.state.engine.jobByParamHash.get(ctx.params[0]);
  if (!job) return sendShapeA(ctx.res, 404, `Param for hash ${ctx.params[0]} not found.`);
  const lines = job.output.files.map((f) => `curl -L ${ctx.state.url}/share/results/${f.hash}/${f.name} -o ${f.name} --create-dirs`);
  sendText(ctx.res, 200, lines.join('\n') + '\n', 'application/json');
}

function s3Error(ctx: RequestContext, status: number, code: string, message: string): void {
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>${Date.now().toString(16)}</RequestId></Error>`;
  sendText(ctx.res, status, xml, 'application/xml');
}

/** The pre-signed "S3" URL: Content-Length, Accept-Ranges and 206; no credit spent here. */
export async function s3Object(ctx: RequestContext): Promise<void> {
  const { state, url } = ctx;
  const bucket = ctx.params[0];
  const key = ctx.params[1];
  const date = url.searchParams.get('X-Amz-Date') ?? '';
  const signature = url.searchParams.get('X-Amz-Signature') ?? '';
  if (bucket !== state.s3Bucket || !date || signature !== s3Signature(ctx, key, date)) {
    return s3Error(ctx, 403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.');
  }
  if (state.clock.now() > Number(date) + S3_EXPIRES_S * 1000) return s3Error(ctx, 403, 'AccessDenied', 'Request has expired');
  const [jobId] = key.split('/');
  const job = state.engine.jobs.get(jobId);
  const file = job?.output.files.find((f) => s3Key(job, f) === key);
  if (!job || !file || job.filesDeleted) return s3Error(ctx, 404, 'NoSuchKey', 'The specified key does not exist.');
  const size = (await stat(file.absPath)).size;
  const headers: Record<string, string | number> = {
    'Content-Type': 'binary/octet-stream',
    'Accept-Ranges': 'bytes',
    ETag: `"${file.hash.slice(0, 32)}"`,
    'Last-Modified': new Date(job.endTime).toUTCString(),
  };
  const range = ctx.req.headers.range;
  let start = 0;
  let end = size - 1;
  let status = 200;
  if (range) {
    const m = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
    if (m && (m[1] !== '' || m[2] !== '')) {
      if (m[1] === '') {
        start = Math.max(0, size - Number(m[2]));
      } else {
        start = Number(m[1]);
        end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
      }
      if (start >= size || start > end) {
        ctx.res.writeHead(416, { 'Content-Range': `bytes */${size}`, 'Content-Type': 'application/xml' });
        ctx.res.end(
          '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>InvalidRange</Code><Message>The requested range is not satisfiable</Message></Error>',
        );
        return;
      }
      status = 206;
      headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
    }
  }
  headers['Content-Length'] = end - start + 1;
  ctx.res.writeHead(status, headers);
  if (ctx.req.method === 'HEAD' || size === 0) {
    ctx.res.end();
    return;
  }
  await streamFile(ctx, file.absPath, start, end);
}
