// The QC step's files (docs/server-behaviour.md#qc-messages; electron/emulator/jobs/outputs.ts):
// snps-excluded.txt summed up by reason, chunks-excluded.txt, the count of typed-only sites and
// the HTML report, each read streaming and each allowed to be missing.
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { ResultsQc } from '../../ipc/contract';
import { isFile } from './job-results';

/** A report bigger than this is not shown inside the app (it stays a file to open). */
const MAX_REPORT_BYTES = 25 << 20;

/**
 * The reason without its details: "Allele switch. Reference Panel: A/G" and "Low call rate.
 * Value: 0.85" become "Allele switch" and "Low call rate" (the texts of StatisticsTask).
 */
export function reasonOf(info: string): string {
  const text = info.trim();
  const cut = text.search(/\.\s|:\s/);
  return (cut >= 0 ? text.slice(0, cut) : text).replace(/\.$/, '').trim() || 'No reason given';
}

async function* rows(file: string): AsyncGenerator<string[]> {
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Number.POSITIVE_INFINITY });
  let first = true;
  for await (const line of lines) {
    if (first) {
      first = false;
      continue; // the header row
    }
    if (line.trim() !== '') yield line.split('\t');
  }
}

export async function excludedByReason(file: string): Promise<{ reasons: ResultsQc['excludedByReason']; total: number }> {
  const counts = new Map<string, { count: number; example: string }>();
  let total = 0;
  for await (const cols of rows(file)) {
    total++;
    const info = cols[5] ?? '';
    const reason = reasonOf(info);
    const entry = counts.get(reason);
    if (entry) entry.count++;
    else counts.set(reason, { count: 1, example: info });
  }
  const reasons = [...counts.entries()]
    .map(([reason, { count, example }]) => ({ reason, count, example }))
    .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
  return { reasons, total };
}

export async function excludedChunks(file: string): Promise<NonNullable<ResultsQc['excludedChunks']>> {
  const out: NonNullable<ResultsQc['excludedChunks']> = [];
  for await (const cols of rows(file)) {
    const overlap = Number(cols[2]);
    out.push({
      chunk: cols[0] ?? '',
      snps: Number(cols[1]) || 0,
      referenceOverlap: Number.isFinite(overlap) ? overlap : null,
      lowCallRateSamples: Number(cols[3]) || 0,
    });
  }
  return out;
}

export async function countRows(file: string): Promise<number> {
  let n = 0;
  for await (const _ of rows(file)) n++;
  return n;
}

/** Everything the QC side shows; `statistics` come from the job's QC step. */
export async function readQc(folder: string, statistics: ResultsQc['statistics']): Promise<ResultsQc> {
  const at = (name: string) => path.join(folder, ...name.split('/'));
  const missing: string[] = [];
  const present = async (name: string) => {
    const ok = await isFile(at(name));
    if (!ok) missing.push(name);
    return ok;
  };
  const [excluded, chunks, typedOnly, html] = await Promise.all([
    (async () => ((await present('statistics/snps-excluded.txt')) ? excludedByReason(at('statistics/snps-excluded.txt')) : null))(),
    (async () => ((await present('statistics/chunks-excluded.txt')) ? excludedChunks(at('statistics/chunks-excluded.txt')) : null))(),
    (async () => ((await present('statistics/snps-typed-only.txt')) ? countRows(at('statistics/snps-typed-only.txt')) : null))(),
    (async () => {
      if (!(await present('quality-control.html'))) return null;
      if ((await stat(at('quality-control.html'))).size > MAX_REPORT_BYTES) return null;
      return readFile(at('quality-control.html'), 'utf8');
    })(),
  ]);
  return {
    statistics,
    excludedByReason: excluded?.reasons ?? [],
    excludedTotal: excluded?.total ?? null,
    excludedChunks: chunks,
    typedOnly,
    reportHtml: html,
    missing: missing.sort(),
  };
}
