// Runs the QC statistics over a job's input: the uploaded files read record by record, or, for the
// demo's seeded jobs (which have no upload), sites made up from the panel model to match the
// pre-made scan results.
import type { VcfFileSummary } from '../../services/vcf/index';
import { classifyAlleles } from '../panel/alleles';
import { hash3, panelModel } from '../panel/panel-model';
import type { Build } from '../panel/panel-model';
import { parseRecord, readVcf } from './site-records';
import type { SiteRecord } from './site-records';
import { SiteQc } from './site-qc';
import type { QcOutcome, QcSettings } from './site-qc';

const BASES = ['A', 'C', 'G', 'T'];

function seedOf(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (Math.imul(h, 31) + text.charCodeAt(i)) | 0;
  return h >>> 0;
}

/** Reads each uploaded file (sorted by name, as the tool sorts them) into the QC statistics. */
export async function qcOfFiles(paths: string[], settings: QcSettings, signal?: AbortSignal): Promise<QcOutcome> {
  const qc = new SiteQc(settings, panelModel(settings.panelBuild));
  for (const path of paths) {
    let buffers = { called: new Uint8Array(0), haps: new Uint8Array(0) };
    let samples = 0;
    await readVcf(
      path,
      (header) => {
        samples = header.sampleIds.length;
        buffers = { called: new Uint8Array(samples), haps: new Uint8Array(2 * samples) };
        qc.beginFile(header.sampleIds);
      },
      (line) => {
        const record = parseRecord(line, samples, buffers);
        if (record) qc.add(record);
      },
      signal,
    );
    qc.endFile();
  }
  return qc.result();
}

/**
 * Sites for a pre-made scan result: each chunk's SNP count, spread over the chunk's part of the
 * file's range (on the panel grid where there is room, else between grid positions, which the
 * model treats as matches); the panel's alleles, about 6 % typed-only (the panel's gaps), and a
 * few monomorphic sites and allele mismatches chosen by the job id.
 */
export function* syntheticSites(summary: VcfFileSummary, build: Build, jobId: string, chunkSize: number): Generator<SiteRecord> {
  const model = panelModel(build);
  const raw = summary.rawChromosomes?.[0] ?? summary.chromosomes[0] ?? '20';
  const first = summary.firstPosition ?? 1;
  const last = summary.lastPosition ?? first;
  const chunks = summary.chunkSets?.[String(chunkSize)] ?? summary.chunks;
  const seed = seedOf(jobId);
  for (const chunk of chunks) {
    const from = Math.max(first, chunk.start);
    const to = Math.min(last, chunk.end);
    const count = chunk.snps;
    if (count <= 0 || to < from) continue;
    const spacing = (to - from + 1) / count;
    let previous = 0;
    for (let k = 0; k < count; k++) {
      const target = from + Math.floor(spacing * k);
      const snapped = Math.round((target - 500) / 1000) * 1000 + 500;
      const pos = spacing >= 1000 && snapped > previous && snapped >= from && snapped <= to ? snapped : Math.max(previous + 1, target);
      previous = pos;
      yield syntheticSite(model, raw, pos, seed, summary);
    }
  }
}

function syntheticSite(model: ReturnType<typeof panelModel>, raw: string, pos: number, seed: number, summary: VcfFileSummary): SiteRecord {
  const samples = summary.samples;
  const lookup = model.lookup(raw, pos);
  const h = hash3(seed, pos, 11);
  let ref: string;
  let alt: string;
  let af = 0.2;
  if (lookup.kind === 'site') {
    ref = lookup.site.ref;
    alt = lookup.site.alt;
    af = Math.min(0.95, Math.max(0.02, lookup.site.af));
    if (h % 10_000 >= 15 && h % 10_000 < 45) {
      // an allele mismatch: an ALT the panel does not have
      const other = BASES.find((b) => b !== ref && classifyAlleles(ref, b, lookup.site.ref, lookup.site.alt) === 'mismatch');
      if (other) alt = other;
    }
  } else {
    const r = h & 3;
    ref = BASES[r];
    alt = BASES[(r + 1 + ((h >>> 2) % 3)) % 4];
  }
  const monomorphic = h % 10_000 < 15;
  let homVar = monomorphic ? 0 : Math.round(af * af * samples);
  let het = monomorphic ? 0 : Math.round(2 * af * (1 - af) * samples);
  if (!monomorphic && het + homVar === 0) het = 1;
  if (het + homVar > samples) homVar = Math.max(0, samples - het);
  return {
    chrom: raw,
    pos,
    id: `rs${pos}`,
    ref,
    alt,
    filter: 'PASS',
    nSamples: samples,
    het,
    homVar,
    homRef: samples - het - homVar,
    noCall: 0,
    called: null,
    haps: null,
    unphased: !summary.phased,
  };
}

export function qcOfSummaries(summaries: VcfFileSummary[], settings: QcSettings, jobId: string): QcOutcome {
  const qc = new SiteQc(settings, panelModel(settings.panelBuild));
  for (const summary of [...summaries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (summary.fatal) continue;
    qc.beginFile(summary.sampleIds);
    for (const record of syntheticSites(summary, settings.uploadBuild, jobId, settings.chunkSize)) qc.add(record);
    qc.endFile();
  }
  return qc.result();
}
