import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import { APP_INPUT_IDS, resolvePanel } from '../apps';
import type { RequestContext } from '../context';
import { requireUser } from '../context';
import { escapeHtml } from '../html-escape';
import type { JobParams } from '../jobs/model';
import { randomJobPassword, randomString } from '../random';
import { sendJson, sendShapeA, sendShapeB, sendText } from '../responses';

interface ParsedForm {
  fields: Map<string, string>;
  /** Field names in the order received (after escaping and stripping `input-`). */
  names: string[];
  fileNames: string[];
}

class TooLarge extends Error {}

/** Counts request bytes: enforces the upload limit and the test-only `drop-upload` fault. */
function byteCounter(limit: number, dropAfter: number | null, onDrop: () => void): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      if (dropAfter !== null && seen > dropAfter) {
        onDrop();
        done();
        return;
      }
      if (seen > limit) {
        done(new TooLarge(`The content length [${seen}] exceeds the maximum allowed content length [${limit}]`));
        return;
      }
      done(null, chunk);
    },
  });
}

/** Streams the multipart body: file parts straight to disk (never buffered), text fields in memory. */
async function parseMultipart(ctx: RequestContext, uploadDir: string): Promise<ParsedForm | 'dropped'> {
  const { req, state } = ctx;
  const form: ParsedForm = { fields: new Map(), names: [], fileNames: [] };
  const writes: Promise<void>[] = [];
  const drop = state.options.faults ? state.faults.take('drop-upload', ctx.path) : null;
  let dropped = false;
  const counter = byteCounter(state.options.uploadLimitBytes, drop ? drop.afterBytes : null, () => {
    if (dropped) return;
    dropped = true;
    req.socket.destroy();
  });
  const bb = busboy({ headers: req.headers, defParamCharset: 'utf8', limits: { fieldSize: 1 << 20, fields: 1000, files: 100_000 } });
  // Every occurrence of `input-` goes, not only a leading one (JobParameterParser, docs/server-behaviour.md#escaped-values).
  const cleanName = (name: string) => escapeHtml(name).replaceAll('input-', '');
  bb.on('field', (name, value) => {
    const id = cleanName(name);
    form.names.push(id);
    form.fields.set(id, value);
  });
  bb.on('file', (name, stream, info) => {
    const id = cleanName(name);
    form.names.push(id);
    const fileName = basename(info.filename ?? '').replace(/[\\/]/g, '_');
    if (!fileName || id !== 'files') {
      stream.resume();
      return;
    }
    if (!form.fileNames.includes(fileName)) form.fileNames.push(fileName); // same name: the later upload overwrites
    writes.push(pipeline(stream, createWriteStream(join(uploadDir, fileName))));
  });
  const finished = new Promise<void>((resolve, reject) => {
    bb.on('close', resolve);
    bb.on('error', reject);
    counter.on('error', reject);
    req.on('aborted', () => reject(new Error('aborted')));
  });
  req.pipe(counter).pipe(bb);
  try {
    await finished;
    await Promise.all(writes);
  } catch (error) {
    if (dropped) return 'dropped';
    throw error;
  }
  return dropped ? 'dropped' : form;
}

/** POST /api/v2/jobs/submit/{app} (docs/server-behaviour.md#submitting-a-job). */
export async function submitJob(ctx: RequestContext): Promise<void> {
  const { req, res, state } = ctx;
  const type = String(req.headers['content-type'] ?? '');
  if (!type.toLowerCase().startsWith('multipart/form-data')) {
    sendShapeB(req, res, 415, 'Unsupported Media Type', `Content Type [${type.split(';')[0] || 'none'}] not allowed. Allowed types: [multipart/form-data]`);
    return;
  }
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > state.options.uploadLimitBytes) {
    // Micronaut refuses on the declared length before reading the body.
    res.setHeader('Connection', 'close');
    sendShapeB(
      req,
      res,
      413,
      'Request Entity Too Large',
      `The content length [${declared}] exceeds the maximum allowed content length [${state.options.uploadLimitBytes}]`,
    );
    req.resume();
    return;
  }
  // The security filter refuses a missing, garbage or expired token before the body is read: the
  // answer goes out while the client is still sending, then the connection is closed (docs/server-behaviour.md#submit-answers).
  const caller = ctx.caller();
  if (caller.kind === 'anonymous' || caller.kind === 'invalid') {
    res.setHeader('Connection', 'close');
    sendShapeB(req, res, 401, 'Unauthorized');
    res.on('finish', () => {
      req.socket.end();
      // Stop reading a large upload soon after (a client should act on the early answer).
      setTimeout(() => req.socket.destroy(), 2_000).unref();
    });
    return;
  }
  const uploadDir = join(state.dataDir, 'uploads', randomString(16));
  await mkdir(uploadDir, { recursive: true });
  let keepUploadDir = false;
  try {
    let form: ParsedForm | 'dropped';
    try {
      form = await parseMultipart(ctx, uploadDir);
    } catch (error) {
      if (error instanceof TooLarge) {
        res.setHeader('Connection', 'close');
        sendShapeB(req, res, 413, 'Request Entity Too Large', error.message);
        req.resume();
        return;
      }
      state.log(`submit ended without a job: ${(error as Error).message}`);
      if (!res.headersSent && !req.socket.destroyed) sendText(res, 400, `java.io.IOException: ${(error as Error).message}`);
      return;
    }
    if (form === 'dropped') return;
    // Decided inside the multipart callback, after the whole body was read: a revoked or replaced
    // API token (403), maintenance (503), then the handler's job limit, app and field checks.
    const user = requireUser(ctx);
    if (!user) return;
    if (state.maintenance.on && !user.admin) {
      sendShapeA(res, 503, 'This functionality is currently under maintenance.');
      return;
    }
    if (!user.admin && state.engine.liveJobCount(user.username) >= state.options.maxJobsPerUser) {
      sendShapeA(res, 400, `Only ${state.options.maxJobsPerUser} jobs per user can be executed simultaneously.`);
      return;
    }
    const app = ctx.params[0];
    const [appId, appVersion] = app.split('@');
    if (appId !== state.profile.appId || (appVersion !== undefined && appVersion !== state.profile.appVersion)) {
      sendShapeA(res, 404, `Application '${app}' not found.`);
      return;
    }
    const unknown = form.names.find((n) => n !== 'job-name' && !n.endsWith('-pattern') && !APP_INPUT_IDS.has(n));
    if (unknown !== undefined) {
      sendShapeA(res, 400, `Parameter '${unknown}' not found.`);
      return;
    }
    const text = (id: string, fallback: string) => {
      const v = form.fields.get(id);
      return v === undefined ? fallback : escapeHtml(v);
    };
    const present = (id: string) => form.names.includes(id);
    const givenPassword = form.fields.get('password');
    const refpanel = text('refpanel', '');
    const params: JobParams = {
      refpanel,
      panel: resolvePanel(state.profile, refpanel),
      population: text('population', '') || 'off', // the pipeline turns an empty population into off
      build: text('build', 'hg19') || 'hg19',
      phasing: text('phasing', 'eagle') || 'eagle',
      mode: text('mode', 'imputation') || 'imputation',
      r2Filter: text('r2Filter', '0') || '0',
      aesEncryption: present('aesEncryption'), // checkbox present means true, whatever the value (docs/server-behaviour.md#escaped-values)
      meta: present('meta'),
      password: givenPassword ? escapeHtml(givenPassword) : randomJobPassword(),
      passwordGiven: Boolean(givenPassword),
      filesText: form.fileNames.length === 0 ? (form.fields.get('files') ?? null) : null,
    };
    const jobName = form.fields.get('job-name');
    const job = await state.engine.submit({
      username: user.username,
      applicationId: app,
      params,
      uploadDir: form.fileNames.length > 0 ? uploadDir : null,
      uploadedNames: form.fileNames,
      jobName: jobName ? escapeHtml(jobName) : null,
      userAgent: String(req.headers['user-agent'] ?? ''),
    });
    keepUploadDir = form.fileNames.length > 0;
    state.log(`submitted ${job.id} for ${user.username} (${form.fileNames.length} file(s))`);
    sendJson(res, 200, { success: true, message: 'Your job was successfully added to the job queue.', id: job.id });
  } catch (error) {
    if (!res.headersSent) sendText(res, 400, `java.lang.RuntimeException: ${(error as Error).message}`);
  } finally {
    if (!keepUploadDir) await rm(uploadDir, { recursive: true, force: true }).catch(() => undefined);
  }
}
