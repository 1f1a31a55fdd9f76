// Submits a job: one multipart POST streamed from disk (docs/server-behaviour.md#submitting-a-job). Never retried: the
// server may already have created the job, and a second upload of many gigabytes is the user's call.
import type { Readable } from 'node:stream';
import { request } from 'undici';
import type { SubmitTarget } from '../cloudgene/client';
import { errorFromFailure, errorFromStatus, readErrorBody } from '../cloudgene/classify-error';
import { CloudgeneError } from '../cloudgene/errors';
import { JSON_TIMEOUTS, STREAMING_TIMEOUTS, type Timeouts } from '../cloudgene/http';
import { submitAnswerSchema } from '../cloudgene/schemas';
import { assertUnchanged, FileChangedError, type UploadFile } from './file-snapshot';
import { formatBytes } from '../../shared/format-bytes';
import { buildMultipartBody, type MultipartField } from './multipart';
import { ProgressMeter, type UploadProgress } from './progress';

export interface SubmitJobOptions {
  /** A CloudgeneClient (or anything giving the URL, headers and dispatcher). */
  client: SubmitTarget;
  /** Bare app id (`imputationserver2`) or with version; the job's applicationId echoes it. */
  appId: string;
  /** Form fields: refpanel, population, build, phasing, mode, r2Filter, password, job-name, ... */
  fields: Record<string, string>;
  /** The server turns on any checkbox that is present, whatever its value (docs/server-behaviour.md#form-parsing),
   *  so an unchecked box is left out. */
  checkboxes?: Record<string, boolean>;
  files: UploadFile[];
  signal?: AbortSignal;
  onProgress?: (progress: UploadProgress) => void;
  timeouts?: Partial<Timeouts>;
}

export interface SubmitResult {
  jobId: string;
  message: string;
}

export async function submitJob(options: SubmitJobOptions): Promise<SubmitResult> {
  const { client, files, signal } = options;
  if (signal?.aborted) throw new CloudgeneError('canceled');
  await checkFiles(files);

  const fields: MultipartField[] = Object.entries(options.fields).map(([name, value]) => ({ name, value }));
  for (const [name, on] of Object.entries(options.checkboxes ?? {})) if (on) fields.push({ name, value: 'true' });
  const body = buildMultipartBody(fields, files);
  const meter = new ProgressMeter({ totalBytes: body.contentLength, files, onProgress: options.onProgress });
  const timeouts = { headersMs: STREAMING_TIMEOUTS.headersMs, bodyMs: JSON_TIMEOUTS.bodyMs, ...options.timeouts };

  async function* countedBody(): AsyncGenerator<Buffer, void, undefined> {
    const parts = body.stream({
      onFileData: (index, bytes) => meter.addFileBytes(index, bytes),
      afterFile: (index) => assertUnchanged(files[index]!),
    });
    for await (const chunk of parts) {
      // undici leaves stopping the iterable to its owner.
      if (signal?.aborted) return;
      meter.addBodyBytes(chunk.length);
      yield chunk;
    }
  }

  meter.flush();
  let statusCode: number;
  let contentType: string | undefined;
  let text: string;
  try {
    const response = await request(client.submitUrl(options.appId), {
      method: 'POST',
      headers: {
        ...(await client.requestHeaders()),
        accept: 'application/json',
        'content-type': body.contentType,
        'content-length': String(body.contentLength),
      },
      // undici sends async iterables (with back-pressure) although its types only list Readable.
      body: countedBody() as unknown as Readable,
      dispatcher: client.dispatcher,
      signal,
      headersTimeout: timeouts.headersMs,
      bodyTimeout: timeouts.bodyMs,
    });
    statusCode = response.statusCode;
    const type = response.headers['content-type'];
    contentType = Array.isArray(type) ? type[0] : type;
    text = await response.body.text();
  } catch (error) {
    throw uploadFailure(error, signal, meter.snapshot());
  }
  meter.flush();

  if (statusCode < 200 || statusCode >= 300) throw errorFromStatus(statusCode, readErrorBody(text, contentType));
  return readAnswer(text, statusCode);
}

async function checkFiles(files: UploadFile[]): Promise<void> {
  try {
    for (const file of files) await assertUnchanged(file);
  } catch (error) {
    throw uploadFailure(error, undefined, null);
  }
}

function uploadFailure(error: unknown, signal: AbortSignal | undefined, progress: UploadProgress | null): CloudgeneError {
  const fileError = findFileChanged(error);
  if (fileError) return new CloudgeneError('file-changed', { detail: fileError.message, cause: error });
  const failure = errorFromFailure(error, signal);
  if (failure.code !== 'network' || !progress) return failure;
  return new CloudgeneError('network', {
    cause: error,
    detail: `the connection was closed after ${formatBytes(progress.bytesSent)} of ${formatBytes(progress.totalBytes)} were sent`,
  });
}

function findFileChanged(error: unknown): FileChangedError | null {
  for (let e: unknown = error, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof FileChangedError) return e;
  }
  return null;
}

function readAnswer(text: string, status: number): SubmitResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CloudgeneError('invalid-response', { status, detail: 'the answer to the submit is not JSON' });
  }
  const answer = submitAnswerSchema.safeParse(json);
  if (!answer.success) throw new CloudgeneError('invalid-response', { status, detail: 'unexpected answer to the submit' });
  if (!answer.data.success || !answer.data.id) {
    throw new CloudgeneError('bad-request', { status, serverMessage: answer.data.message || undefined });
  }
  return { jobId: answer.data.id, message: answer.data.message };
}
