/* eslint-disable @typescript-eslint/no-explicit-any -- wire JSON is inspected loosely in assertions */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { startEmulator } from '../../electron/emulator/index';
import type { EmulatorOptions, RunningEmulator } from '../../electron/emulator/index';
import { writeVcfGz } from '../support/vcf-fixtures';
import type { VcfSpec } from '../support/vcf-fixtures';

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  body: Buffer;
  json<T = any>(): T;
}

export async function call(
  emu: { url: string } | string,
  method: string,
  path: string,
  options: { token?: string | null; headers?: Record<string, string>; body?: string | Buffer; form?: Record<string, string> } = {},
): Promise<Reply> {
  const base = typeof emu === 'string' ? emu : emu.url;
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.token) headers['x-auth-token'] = options.token;
  let body = options.body;
  if (options.form) {
    body = new URLSearchParams(options.form).toString();
    headers['content-type'] = 'application/x-www-form-urlencoded';
  }
  const res = await request(base + path, { method: method as 'GET', headers, body, headersTimeout: 10_000, bodyTimeout: 10_000 });
  const buf = Buffer.from(await res.body.arrayBuffer());
  const text = buf.toString('utf8');
  return { status: res.statusCode, headers: res.headers, text, body: buf, json: () => JSON.parse(text) };
}

export type Part = { name: string; value: string } | { name: string; filename: string; data: Buffer };

export function multipart(parts: Part[]): { body: Buffer; contentType: string } {
  const boundary = `----emulatortest${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    if ('filename' in part) {
      chunks.push(
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"; filename="${part.filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
        ),
      );
      chunks.push(part.data, Buffer.from('\r\n'));
    } else {
      chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"\r\n\r\n${part.value}\r\n`));
    }
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

export async function submit(emu: RunningEmulator, parts: Part[], options: { token?: string; app?: string; userAgent?: string } = {}): Promise<Reply> {
  const { body, contentType } = multipart(parts);
  const headers: Record<string, string> = { 'content-type': contentType };
  if (options.userAgent) headers['user-agent'] = options.userAgent;
  return call(emu, 'POST', `/api/v2/jobs/submit/${options.app ?? 'imputationserver2'}`, { token: options.token ?? emu.token, headers, body });
}

/** Temp dir with generated VCF fixtures. */
export async function fixtures(): Promise<{ dir: string; vcf(name: string, spec?: VcfSpec): Promise<Buffer>; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'emulator-test-'));
  return {
    dir,
    async vcf(name, spec = {}) {
      const path = join(dir, name);
      await writeVcfGz(path, spec);
      return readFile(path);
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls the job (advancing the emulator clock a minute per round) until `until` holds; bounded. */
export async function waitForJob(emu: RunningEmulator, id: string, until: (job: any) => boolean, rounds = 400): Promise<any> {
  let last: any = null;
  for (let i = 0; i < rounds; i++) {
    const reply = await call(emu, 'GET', `/api/v2/jobs/${id}/status`, { token: emu.token });
    last = reply.json();
    if (until(last)) return last;
    emu.control.advanceClock(60_000);
    await sleep(10);
  }
  throw new Error(`job ${id} did not reach the expected condition; last state ${last?.state}`);
}

export const finished = (job: any) => ![1, 2, 3].includes(job.state);

export async function withEmulator<T>(options: EmulatorOptions, fn: (emu: RunningEmulator) => Promise<T>): Promise<T> {
  const emu = await startEmulator(options);
  try {
    return await fn(emu);
  } finally {
    await emu.close();
  }
}

/** A standard valid submit for the Michigan flavour. */
export function standardParts(file: Buffer, extra: Part[] = [], fileName = 'chr20.vcf.gz'): Part[] {
  return [
    { name: 'refpanel', value: 'apps@hapmap-2@2.0.0' },
    { name: 'build', value: 'hg19' },
    { name: 'population', value: 'eur' },
    { name: 'phasing', value: 'eagle' },
    { name: 'mode', value: 'imputation' },
    ...extra,
    { name: 'files', filename: fileName, data: file },
  ];
}
