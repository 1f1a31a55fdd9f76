// MD5 checks for `chr_N.zip.md5` files, which imputationserver2 writes only when the operator
// enables `imputation.md5` (docs/server-behaviour.md#downloads-and-credits); Cloudgene itself has no checksums.
import { createHash } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import { pipeline } from 'node:stream/promises';

/** The digest in an `.md5` file: `md5sum` output (`<hex>  <name>`) or the bare hex. */
export function parseMd5File(text: string): string | null {
  const match = /^\s*([0-9a-f]{32})\b/i.exec(text);
  return match ? match[1].toLowerCase() : null;
}

export async function fileMd5(file: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('md5');
  await pipeline(createReadStream(file, { highWaterMark: 1024 * 1024 }), hash, { signal });
  return hash.digest('hex');
}

export type Md5Check = { ok: true; digest: string } | { ok: false; expected: string | null; actual: string };

/** Compares `file` with the digest in `md5File`. */
export async function checkMd5(file: string, md5File: string, signal?: AbortSignal): Promise<Md5Check> {
  const expected = parseMd5File(await fs.readFile(md5File, 'utf8'));
  const actual = await fileMd5(file, signal);
  return expected === actual ? { ok: true, digest: actual } : { ok: false, expected, actual };
}
