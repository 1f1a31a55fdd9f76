import busboy from 'busboy';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileChangedError } from '../../electron/services/multipart/file-snapshot';
import { buildMultipartBody, type MultipartBody } from '../../electron/services/multipart/multipart';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'multipart-test-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function collect(body: MultipartBody): Promise<Buffer> {
  const chunks: Buffer[] = [];
  // chunks are recycled buffers (fileChunks.ts): copy them to keep them
  for await (const chunk of body.stream()) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

interface Parsed {
  fields: [string, string][];
  files: { field: string; filename: string; mimeType: string; data: Buffer }[];
}

function parse(contentType: string, bytes: Buffer): Promise<Parsed> {
  return new Promise((resolve, reject) => {
    const parsed: Parsed = { fields: [], files: [] };
    const parser = busboy({ headers: { 'content-type': contentType }, defParamCharset: 'utf8' });
    parser.on('field', (name, value) => parsed.fields.push([name, value]));
    parser.on('file', (field, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => parsed.files.push({ field, filename: info.filename ?? '', mimeType: info.mimeType, data: Buffer.concat(chunks) }));
    });
    parser.on('close', () => resolve(parsed));
    parser.on('error', reject);
    Readable.from([bytes]).pipe(parser);
  });
}

describe('buildMultipartBody', () => {
  it('produces exactly Content-Length bytes that parse back to the same fields and files', async () => {
    const a = randomBytes(3 * 1024 * 1024 + 17); // spans several read chunks
    const b = Buffer.alloc(0);
    const c = randomBytes(1000);
    await writeFile(join(dir, 'a.vcf.gz'), a);
    await writeFile(join(dir, 'b.vcf.gz'), b);
    await writeFile(join(dir, 'c.vcf.gz'), c);
    const body = buildMultipartBody(
      [
        { name: 'refpanel', value: 'apps@hapmap-2@2.0.0' },
        { name: 'job-name', value: 'Études «chr20» – 東京' },
        { name: 'password', value: 'a"b\r\nc' },
      ],
      [
        { path: join(dir, 'a.vcf.gz'), name: 'a.vcf.gz', size: a.length },
        { path: join(dir, 'b.vcf.gz'), name: 'b.vcf.gz', size: 0 },
        { path: join(dir, 'c.vcf.gz'), name: 'chr "20" é.vcf.gz', size: c.length },
      ],
      { chunkBytes: 1024 * 1024 },
    );
    const bytes = await collect(body);
    expect(bytes.length).toBe(body.contentLength);
    expect(body.contentType).toBe(`multipart/form-data; boundary=${body.boundary}`);

    const parsed = await parse(body.contentType, bytes);
    expect(parsed.fields).toEqual([
      ['refpanel', 'apps@hapmap-2@2.0.0'],
      ['job-name', 'Études «chr20» – 東京'],
      ['password', 'a"b\r\nc'],
    ]);
    expect(parsed.files.map((f) => [f.field, f.filename, f.mimeType, f.data.length])).toEqual([
      ['files', 'a.vcf.gz', 'application/octet-stream', a.length],
      ['files', 'b.vcf.gz', 'application/octet-stream', 0],
      ['files', 'chr %2220%22 é.vcf.gz', 'application/octet-stream', c.length],
    ]);
    expect(parsed.files[0]!.data.equals(a)).toBe(true);
    expect(parsed.files[2]!.data.equals(c)).toBe(true);
  });

  it('puts fields before files and ends with the closing boundary', async () => {
    await writeFile(join(dir, 'x.vcf.gz'), 'xyz');
    const body = buildMultipartBody([{ name: 'build', value: 'hg19' }], [{ path: join(dir, 'x.vcf.gz'), name: 'x.vcf.gz', size: 3 }], {
      boundary: 'BOUNDARY',
    });
    const text = (await collect(body)).toString('utf8');
    expect(text).toBe(
      '--BOUNDARY\r\nContent-Disposition: form-data; name="build"\r\n\r\nhg19\r\n' +
        '--BOUNDARY\r\nContent-Disposition: form-data; name="files"; filename="x.vcf.gz"\r\n' +
        'Content-Type: application/octet-stream\r\n\r\nxyz\r\n--BOUNDARY--\r\n',
    );
    expect(body.contentLength).toBe(Buffer.byteLength(text));
  });

  it('with no parts is just the closing boundary', async () => {
    const body = buildMultipartBody([], [], { boundary: 'B' });
    expect((await collect(body)).toString()).toBe('--B--\r\n');
    expect(body.contentLength).toBe(7);
  });

  it('stops with FileChangedError when a file became shorter than declared', async () => {
    await writeFile(join(dir, 'short.vcf.gz'), 'abc');
    const body = buildMultipartBody([], [{ path: join(dir, 'short.vcf.gz'), name: 'short.vcf.gz', size: 10 }]);
    await expect(collect(body)).rejects.toBeInstanceOf(FileChangedError);
  });

  it('sends only the declared bytes of a file that grew', async () => {
    await writeFile(join(dir, 'grew.vcf.gz'), 'abcdef');
    const body = buildMultipartBody([], [{ path: join(dir, 'grew.vcf.gz'), name: 'grew.vcf.gz', size: 3 }]);
    const bytes = await collect(body);
    expect(bytes.length).toBe(body.contentLength);
    const parsed = await parse(body.contentType, bytes);
    expect(parsed.files[0]!.data.toString()).toBe('abc');
  });

  it('reports file bytes and runs the after-file check before the next part', async () => {
    await writeFile(join(dir, 'p.vcf.gz'), randomBytes(5000));
    await writeFile(join(dir, 'q.vcf.gz'), randomBytes(7000));
    const body = buildMultipartBody(
      [],
      [
        { path: join(dir, 'p.vcf.gz'), name: 'p.vcf.gz', size: 5000 },
        { path: join(dir, 'q.vcf.gz'), name: 'q.vcf.gz', size: 7000 },
      ],
      { chunkBytes: 1024 },
    );
    const seen = [0, 0];
    const checked: number[] = [];
    const stream = body.stream({
      onFileData: (i, n) => {
        seen[i]! += n;
      },
      afterFile: (i) => {
        checked.push(i);
        if (i === 1) throw new FileChangedError('q.vcf.gz', 'was modified after it was chosen');
      },
    });
    const chunks: Buffer[] = [];
    await expect(
      (async () => {
        for await (const chunk of stream) chunks.push(Buffer.from(chunk));
      })(),
    ).rejects.toThrow('q.vcf.gz was modified');
    expect(seen).toEqual([5000, 7000]);
    expect(checked).toEqual([0, 1]);
    // The closing boundary was never produced, so the server cannot take the body as complete.
    expect(Buffer.concat(chunks).toString('latin1')).not.toContain(`--${body.boundary}--`);
  });
});
