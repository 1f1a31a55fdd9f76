// A filtered copy of dose VCFs (runs in a worker thread): the records with R2 and MAF at least the
// thresholds, from one or more files in order, BGZF-compressed with BgzfWriter, written to
// `<output>.part` and renamed when whole (a canceled or failed export leaves nothing behind).
import { createWriteStream, statSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { BgzfWriter } from '../vcf/bgzf-write';
import { rangeBlocks, readHeadSync } from './bgzf-lines';
import { emptyInfo, readInfo } from './info-fields';

export interface ExportTask {
  /** Dose VCFs, in the order their records are written (one chromosome each). */
  inputs: string[];
  output: string;
  minR2: number;
  minMaf: number;
  /** A header line saying how the file was made (`##imputationDesktop_filter=...`). */
  provenance: string;
  /** zlib level of the BGZF blocks (bgzip's default 6). */
  level?: number;
}

export interface ExportTaskResult {
  records: number;
  kept: number;
  bytes: number;
}

/**
 * bcftools keeps INFO floats as 32-bit floats and compares them in float precision (checked with
 * Debian's bcftools 1.16: R2=0.2999999999 passes R2>=0.3, R2=0.29999999 does not). The same
 * rounding here makes the export agree with the command shown, record for record.
 */
export function passesFilter(r2: number, maf: number, minR2: number, minMaf: number): boolean {
  return Math.fround(r2) >= Math.fround(minR2) && Math.fround(maf) >= Math.fround(minMaf);
}

/** The first file's header with every file's ##contig lines and the provenance line before #CHROM. */
export function mergeHeaders(heads: string[][], provenance: string): string[] {
  const [first, ...rest] = heads;
  const chromLine = first.find((line) => line.startsWith('#CHROM'));
  if (!chromLine) throw new Error('the first file has no #CHROM line');
  for (const other of rest) {
    if (other.find((line) => line.startsWith('#CHROM')) !== chromLine) throw new Error('the files do not have the same samples, so they cannot be joined');
  }
  const contigs: string[] = [];
  const seen = new Set<string>();
  for (const lines of heads) {
    for (const line of lines) {
      if (!line.startsWith('##contig=')) continue;
      const id = /ID=([^,>]+)/.exec(line)?.[1] ?? line;
      if (seen.has(id)) continue;
      seen.add(id);
      contigs.push(line);
    }
  }
  const out: string[] = [];
  let contigsPlaced = false;
  for (const line of first) {
    if (line.startsWith('##contig=')) {
      if (!contigsPlaced) out.push(...contigs);
      contigsPlaced = true;
      continue;
    }
    if (line.startsWith('#CHROM')) {
      if (!contigsPlaced) out.push(...contigs);
      out.push(provenance);
    }
    out.push(line);
  }
  return out;
}

export async function exportFiltered(task: ExportTask, onProgress: (bytes: number) => void, isCancelled: () => boolean): Promise<ExportTaskResult> {
  const heads = task.inputs.map((input) => {
    const head = readHeadSync(input);
    if (head.error) throw new Error(`${input}: ${head.error}`);
    return head;
  });
  const header = mergeHeaders(
    heads.map((head) => head.lines),
    task.provenance,
  );
  const part = `${task.output}.part`;
  const file = createWriteStream(part);
  const writer = new BgzfWriter({ level: task.level ?? 6 });
  writer.pipe(file);
  const fileDone = new Promise<void>((resolve) => file.on('close', () => resolve()));
  // A failure of the file stream (disk full) must end the export, not hang it.
  let streamError: Error | null = null;
  file.on('error', (error) => (streamError = error));
  writer.on('error', (error) => (streamError = error));

  let records = 0;
  let kept = 0;
  try {
    writer.write(Buffer.from(header.join('\n') + '\n', 'utf8'));
    const info = emptyInfo();
    let pending: Uint8Array[] = [];
    let pendingBytes = 0;
    const sink = {
      line: (buf: Uint8Array, start: number, end: number) => {
        if (end <= start) return;
        records++;
        if (!readInfo(buf, start, end, info) || !passesFilter(info.r2, info.maf, task.minR2, task.minMaf)) return;
        kept++;
        // The line's bytes are valid during this call only: copied with its newline.
        const copy = Buffer.allocUnsafe(end - start + 1);
        copy.set(buf.subarray(start, end), 0);
        copy[end - start] = 10;
        pending.push(copy);
        pendingBytes += copy.length;
      },
    };
    for (let i = 0; i < task.inputs.length; i++) {
      const path = task.inputs[i];
      const head = heads[i];
      const size = statSync(path).size;
      const blocks = rangeBlocks({ path, start: head.recordsBlock, end: size, first: true, skip: head.recordsSkip }, sink, onProgress, isCancelled);
      for (;;) {
        const step = blocks.next();
        if (pendingBytes > 0) {
          const ok = writer.write(pending.length === 1 ? pending[0] : Buffer.concat(pending, pendingBytes));
          pending = [];
          pendingBytes = 0;
          if (!ok) await once(writer, 'drain');
        }
        if (streamError) throw streamError;
        if (step.done) {
          const lines = step.value;
          if (lines.error) throw new Error(`${path}: ${lines.error}`);
          if (lines.tail.length > 0) {
            sink.line(lines.tail, 0, lines.tail.length);
            if (pendingBytes > 0) writer.write(Buffer.concat(pending, pendingBytes));
            pending = [];
            pendingBytes = 0;
          }
          break;
        }
      }
    }
    writer.end();
    await fileDone;
    if (streamError) throw streamError;
    await rename(part, task.output);
    return { records, kept, bytes: statSync(task.output).size };
  } catch (error) {
    writer.destroy();
    file.destroy();
    // The file is opened asynchronously: removing it before the stream has closed can race the
    // open and leave an empty `.part` behind. 'close' follows destroy() in every case.
    await fileDone;
    await rm(part, { force: true });
    throw error;
  }
}
