// The Cloudgene 3 REST client (docs/server-behaviour.md). undici request() only; every answer is
// validated by a schema and every failure becomes a CloudgeneError.
import { request, type Dispatcher } from 'undici';
import type { z } from 'zod';
import { errorFromFailure, errorFromStatus, readErrorBody } from './classify-error';
import { CloudgeneError } from './errors';
import { createDispatcher, JSON_TIMEOUTS, type Timeouts } from './http';
import {
  appDefinitionSchema,
  countersSchema,
  jobPageSchema,
  jobSchema,
  messageAnswerSchema,
  profileSchema,
  serverInfoSchema,
  tokenVerificationSchema,
  type AppDefinition,
  type Counters,
  type Job,
  type JobPage,
  type MessageAnswer,
  type Profile,
  type ServerInfo,
  type TokenVerification,
} from './schemas';

export type TokenSource = string | null | (() => Promise<string | null> | string | null);

export interface CloudgeneClientOptions {
  /** e.g. https://imputation.biodatacatalyst.nhlbi.nih.gov or http://host/context-path */
  baseUrl: string;
  token?: TokenSource;
  /** See `userAgent()` in http.ts. */
  userAgent: string;
  /** Shared dispatcher (proxy, keep-alive). One is created (and closed by close()) when omitted. */
  dispatcher?: Dispatcher;
  timeouts?: Partial<Timeouts>;
}

export interface CallOptions {
  signal?: AbortSignal;
}

/** What the upload engine needs from a client to send a submit (upload/submit.ts). */
export interface SubmitTarget {
  readonly dispatcher: Dispatcher;
  submitUrl(appId: string): string;
  /** User-Agent plus X-Auth-Token. Contains the secret: never log it. */
  requestHeaders(): Promise<Record<string, string>>;
}

type Auth = 'required' | 'optional' | 'none';

interface CallSpec<S extends z.ZodType> {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  schema: S;
  auth: Auth;
  form?: Record<string, string>;
  signal?: AbortSignal;
}

// An answer larger than this is not one of Cloudgene's JSON answers (2,000 jobs are about 2 MB).
const MAX_JSON_BYTES = 64 * 1024 * 1024;

export class CloudgeneClient implements SubmitTarget {
  readonly baseUrl: string;
  readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly token: TokenSource;
  private readonly userAgent: string;
  private readonly timeouts: Timeouts;

  constructor(options: CloudgeneClientOptions) {
    this.baseUrl = normaliseBaseUrl(options.baseUrl);
    this.token = options.token ?? null;
    this.userAgent = options.userAgent;
    this.timeouts = { ...JSON_TIMEOUTS, ...options.timeouts };
    this.ownsDispatcher = !options.dispatcher;
    this.dispatcher = options.dispatcher ?? createDispatcher();
  }

  /** Server name, maintenance flag and the signed-in user (docs/server-behaviour.md#server-info). Works without a token. */
  server(options?: CallOptions): Promise<ServerInfo> {
    return this.call({ method: 'GET', path: '/api/v2/server', schema: serverInfoSchema, auth: 'optional', ...options });
  }

  counters(options?: CallOptions): Promise<Counters> {
    return this.call({ method: 'GET', path: '/api/v2/server/counters', schema: countersSchema, auth: 'none', ...options });
  }

  /** The app form; a bare id resolves to the newest installed version (docs/server-behaviour.md#app-form). */
  app(appId = 'imputationserver2', options?: CallOptions): Promise<AppDefinition> {
    return this.call({
      method: 'GET',
      path: `/api/v2/server/apps/${segment(appId)}`,
      schema: appDefinitionSchema,
      auth: 'required',
      ...options,
    });
  }

  /** One page of 15 jobs, newest first (docs/server-behaviour.md#job-list). Without a page the server returns every job. */
  jobs(query: { page?: number } = {}, options?: CallOptions): Promise<JobPage> {
    const path = query.page === undefined ? '/api/v2/jobs' : `/api/v2/jobs?page=${Math.max(1, Math.floor(query.page))}`;
    return this.call({ method: 'GET', path, schema: jobPageSchema, auth: 'required', ...options });
  }

  /** Every job of the user. Finished jobs come as light items without steps or files (docs/server-behaviour.md#job-list). */
  async allJobs(options?: CallOptions): Promise<Job[]> {
    return (await this.jobs({}, options)).data;
  }

  job(id: string, options?: CallOptions): Promise<Job> {
    return this.call({ method: 'GET', path: `/api/v2/jobs/${segment(id)}`, schema: jobSchema, auth: 'required', ...options });
  }

  /** Same JSON as job() in Cloudgene 3 (docs/server-behaviour.md#job-details). */
  jobStatus(id: string, options?: CallOptions): Promise<Job> {
    return this.call({
      method: 'GET',
      path: `/api/v2/jobs/${segment(id)}/status`,
      schema: jobSchema,
      auth: 'required',
      ...options,
    });
  }

  /** A GET on the server; a no-op answering the unchanged job when it already finished (docs/server-behaviour.md#cancel). */
  cancel(id: string, options?: CallOptions): Promise<Job> {
    return this.call({
      method: 'GET',
      path: `/api/v2/jobs/${segment(id)}/cancel`,
      schema: jobSchema,
      auth: 'required',
      ...options,
    });
  }

  /** Only for dead (-1) jobs; anything else is 400 "Job <id> is not pending." (docs/server-behaviour.md#restart). */
  restart(id: string, options?: CallOptions): Promise<MessageAnswer> {
    return this.call({
      method: 'GET',
      path: `/api/v2/jobs/${segment(id)}/restart`,
      schema: messageAnswerSchema,
      auth: 'required',
      ...options,
    });
  }

  /** Needs a login access token: the server answers an API token with 403 (docs/server-behaviour.md#token-kinds, #delete). */
  async deleteJob(id: string, options?: CallOptions): Promise<Job> {
    try {
      return await this.call({
        method: 'DELETE',
        path: `/api/v2/jobs/${segment(id)}`,
        schema: jobSchema,
        auth: 'required',
        ...options,
      });
    } catch (error) {
      if (!(error instanceof CloudgeneError) || error.code !== 'token-revoked') throw error;
      // The same 403 "Forbidden" means "revoked" or "API tokens may not delete". A revoked token
      // also gets 403 on /api/v2/server (docs/server-behaviour.md#auth-failures), so ask there.
      await this.server(options);
      throw new CloudgeneError('forbidden', {
        status: error.status,
        serverMessage: error.serverMessage,
        detail: "jobs cannot be deleted with an API token; delete the job on the server's web page",
      });
    }
  }

  /** Anonymous check of an API token (docs/server-behaviour.md#token-endpoints); always 200, the verdict is in `valid`. */
  verifyToken(token: string, options?: CallOptions): Promise<TokenVerification> {
    return this.call({
      method: 'POST',
      path: '/api/v2/tokens/verify',
      schema: tokenVerificationSchema,
      auth: 'none',
      form: { token },
      ...options,
    });
  }

  /** TOPMed refuses any username but the caller's with an empty 403 (docs/server-behaviour.md#token-endpoints). */
  profile(username: string, options?: CallOptions): Promise<Profile> {
    return this.call({
      method: 'GET',
      path: `/api/v2/users/${segment(username)}/profile`,
      schema: profileSchema,
      auth: 'required',
      ...options,
    });
  }

  /** Anonymous download link of one result file (docs/server-behaviour.md#downloads-and-credits). Names may contain '/', which stays a separator. */
  downloadUrl(file: { hash: string; name: string }): string {
    const name = file.name.split('/').map(segment).join('/');
    return `${this.baseUrl}/share/results/${segment(file.hash)}/${name}`;
  }

  submitUrl(appId: string): string {
    return `${this.baseUrl}/api/v2/jobs/submit/${segment(appId)}`;
  }

  async requestHeaders(): Promise<Record<string, string>> {
    const headers: Record<string, string> = { 'user-agent': this.userAgent };
    const token = await this.resolveToken();
    if (token) headers['x-auth-token'] = token;
    return headers;
  }

  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close();
  }

  private async resolveToken(): Promise<string | null> {
    const token = typeof this.token === 'function' ? await this.token() : this.token;
    return token ? token.trim() : null;
  }

  private async call<S extends z.ZodType>(spec: CallSpec<S>): Promise<z.output<S>> {
    const headers: Record<string, string> = { 'user-agent': this.userAgent, accept: 'application/json' };
    if (spec.auth !== 'none') {
      const token = await this.resolveToken();
      // The token goes raw in X-Auth-Token; "Authorization: Bearer" is ignored by Cloudgene (docs/server-behaviour.md#auth-header).
      if (token) headers['x-auth-token'] = token;
      else if (spec.auth === 'required') throw new CloudgeneError('unauthorized', { detail: 'no token is set for this server' });
    }
    let body: string | undefined;
    if (spec.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(spec.form).toString();
    }

    let statusCode: number;
    let contentType: string | undefined;
    let text: string;
    try {
      const response = await request(this.baseUrl + spec.path, {
        method: spec.method,
        headers,
        body,
        dispatcher: this.dispatcher,
        headersTimeout: this.timeouts.headersMs,
        bodyTimeout: this.timeouts.bodyMs,
        signal: spec.signal,
      });
      statusCode = response.statusCode;
      const type = response.headers['content-type'];
      contentType = Array.isArray(type) ? type[0] : type;
      text = await readLimitedText(response.body, MAX_JSON_BYTES);
    } catch (error) {
      throw errorFromFailure(error, spec.signal);
    }

    if (statusCode < 200 || statusCode >= 300) throw errorFromStatus(statusCode, readErrorBody(text, contentType));
    return parseAnswer(text, spec.schema, statusCode);
  }
}

function parseAnswer<S extends z.ZodType>(text: string, schema: S, status: number): z.output<S> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CloudgeneError('invalid-response', { status, detail: 'the answer is not JSON' });
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : 'the answer';
    throw new CloudgeneError('invalid-response', { status, detail: `unexpected ${where}: ${issue?.message ?? 'invalid'}` });
  }
  return result.data;
}

async function readLimitedText(body: Dispatcher.ResponseData['body'], limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      body.destroy();
      throw new CloudgeneError('invalid-response', { detail: 'the answer is far too large' });
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function normaliseBaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new TypeError(`Not a server address: ${raw}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TypeError(`Not an http(s) address: ${raw}`);
  // The base may carry a context path (docs/server-behaviour.md#conventions); queries and fragments mean nothing here.
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** Encodes one path segment; '@' stays readable, it is legal in a path (app ids: imputationserver2@2.0.12). */
function segment(value: string): string {
  return encodeURIComponent(value).replace(/%40/g, '@');
}
