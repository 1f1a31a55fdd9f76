import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChunkStat, VcfFileSummary } from '../services/vcf/index';
import { bgzfCompress } from '../services/vcf/bgzf-write';
import { panelKey } from './apps';
import type { EmulatorState } from './context';
import type { JobParams } from './jobs/model';
import { JobState } from './jobs/model';
import { PIPELINE_TIMINGS } from './jobs/pipeline';
import { panelCohort } from './panel/panel-cohort';
import { randomJobPassword } from './random';

const DAY = 86_400_000;
const MIN = 60_000;

/** Scan results for a made-up file (seeded jobs have no upload); the rules still come from the VCF module. */
export function syntheticSummary(input: {
  chromosome: string;
  samples?: number;
  variants?: number;
  phased?: boolean;
  chunkSizeBp: number;
  firstPosition?: number;
  span?: number;
}): VcfFileSummary {
  const samples = input.samples ?? 120;
  const variants = input.variants ?? 4000;
  const first = input.firstPosition ?? 61_000;
  const last = first + (input.span ?? 60_000_000);
  const normalized = input.chromosome.replace(/^chr/, '');
  const chunks: ChunkStat[] = [];
  const startChunk = Math.floor((first - 1) / input.chunkSizeBp);
  const endChunk = Math.floor((last - 1) / input.chunkSizeBp);
  const n = endChunk - startChunk + 1;
  for (let c = startChunk; c <= endChunk; c++) {
    chunks.push({
      chromosome: normalized,
      start: c * input.chunkSizeBp + 1,
      end: (c + 1) * input.chunkSizeBp,
      snps: Math.floor(variants / n),
      lowCallRateSamples: 0,
    });
  }
  const sampleIds = Array.from({ length: samples }, (_, i) => `SAMPLE${String(i + 1).padStart(4, '0')}`);
  return {
    path: `/seed/${input.chromosome}.vcf.gz`,
    name: `study.${input.chromosome}.vcf.gz`,
    fatal: null,
    samples,
    sampleIds,
    chromosomes: [normalized],
    rawChromosomes: [input.chromosome],
    variants,
    phased: input.phased ?? false,
    firstPosition: first,
    lastPosition: last,
    suggestedBuild: input.chromosome.startsWith('chr') ? 'hg38' : 'hg19',
    chunks,
    bytes: variants * samples * 4,
  };
}

function params(state: EmulatorState, overrides: Partial<JobParams> = {}): JobParams {
  const panel =
    state.options.flavour === 'topmed' ? state.profile.panels[0] : (state.profile.panels.find((p) => p.id === 'hrc-r1.1') ?? state.profile.panels[0]);
  return {
    refpanel: panelKey(panel),
    panel,
    population: panel.populations[0].id,
    build: 'hg19',
    phasing: 'eagle',
    mode: 'imputation',
    r2Filter: '0',
    aesEncryption: false,
    meta: false,
    password: randomJobPassword(),
    passwordGiven: false,
    filesText: null,
    ...overrides,
  };
}

/** Clock time a seeded run needs to reach the export (for placing live jobs mid-way). */
function pipelineSpan(summaries: VcfFileSummary[], chunkSize: number, phasing: boolean): number {
  const t = PIPELINE_TIMINGS;
  const chunks = summaries.reduce((n, s) => n + (s.chunkSets?.[String(chunkSize)] ?? s.chunks).length, 0);
  return (
    t.validationMs + t.qcMs + (phasing ? chunks * t.phasingPerChunkMs : 0) + chunks * t.imputationPerChunkMs + summaries.length * t.compressionPerChromosomeMs
  );
}

/**
 * The demo server: user `demo` with jobs in every state (-1 and 1-9), finished ones with real
 * result files, live ones moving with the clock behind a few other users' jobs in the shared queue.
 */
export async function seedDemo(state: EmulatorState, username: string): Promise<void> {
  const { engine, clock, auth } = state;
  const now = clock.now();
  const chunkSize = state.options.flavour === 'topmed' ? 10_000_000 : 20_000_000;
  const hg38 = state.options.flavour === 'topmed';
  const chr = (c: string) => (hg38 ? `chr${c}` : c);
  const build = hg38 ? 'hg38' : 'hg19';
  const summaries = (chrs: string[], extra: { samples?: number; phased?: boolean; variants?: number } = {}) =>
    chrs.map((c) => syntheticSummary({ chromosome: chr(c), chunkSizeBp: chunkSize, span: 3 * chunkSize - 1000, ...extra }));
  const app = state.profile.appId;
  const ua = 'Imputation Desktop demo';
  const make = (at: number, name: string, overrides: Partial<JobParams> = {}) =>
    engine.makeJob(engine.newJobId(at), username, app, params(state, { build, ...overrides }), at, name, ua);

  // Finished jobs first (oldest ids), run in the past.
  const retired = make(now - 9 * DAY, 'pilot-run-2024');
  await engine.runInPast(retired, summaries(['22']), retired.submittedOn + 2 * MIN);
  const notified = make(now - 5.5 * DAY, 'cohort-A chr1-2');
  await engine.runInPast(notified, summaries(['1', '2']), notified.submittedOn + MIN);
  const canceledNotified = make(now - 5.2 * DAY, 'cohort-B (canceled, retirement date set)');
  await engine.runInPast(canceledNotified, summaries(['20']), canceledNotified.submittedOn + MIN, { cancelAt: canceledNotified.submittedOn + 2 * MIN });
  const dead = make(now - 3 * DAY, 'interrupted by server update');
  await engine.runInPast(dead, summaries(['19']), dead.submittedOn + MIN, { dieAt: dead.submittedOn + 2 * MIN });
  const failedPopulation = make(now - 2.5 * DAY, 'cohort-B2 (wrong population)', { population: 'afr' });
  await engine.runInPast(failedPopulation, summaries(['20']), failedPopulation.submittedOn + MIN);
  const failedBuild = make(now - 2 * DAY, 'cohort-C hg38 data as hg19', { build: 'hg19' });
  await engine.runInPast(failedBuild, [syntheticSummary({ chromosome: 'chr20', chunkSizeBp: chunkSize })], failedBuild.submittedOn + MIN);
  const canceled = make(now - 1.5 * DAY, 'cohort-D (canceled)');
  await engine.runInPast(canceled, summaries(['21']), canceled.submittedOn + MIN, { cancelAt: canceled.submittedOn + 2 * MIN });
  const aes = make(now - 6 * 3600_000, 'cohort-E chr20 AES', { aesEncryption: true });
  await engine.runInPast(aes, summaries(['20']), aes.submittedOn + MIN);
  const success = make(now - 2 * 3600_000, 'cohort-F chr20-22', { r2Filter: '0.3' });
  await engine.runInPast(success, summaries(['20', '21', '22']), success.submittedOn + MIN);

  // Other users fill the shared queue so the demo's waiting job really waits.
  for (let i = 0; i < state.options.workers - 2; i++) {
    const other = auth.getUser(`queue-user-${i + 1}`) ?? auth.addUser({ username: `queue-user-${i + 1}`, fullName: `Queue User ${i + 1}` });
    const started = now - (4 + i) * MIN;
    const job = engine.makeJob(engine.newJobId(started), other.username, app, params(state, { build }), started, undefined, 'imputationbot 2.1.0');
    // smaller inputs than the demo user's: only their place in the queue shows
    engine.enqueue(job, started, summaries(['1', '2', '3'], { variants: 2000 }));
  }
  // Live demo jobs: one exporting, one mid-imputation, one waiting.
  const exportingInput = summaries(['19']);
  const exporting = make(now - pipelineSpan(exportingInput, chunkSize, true) - PIPELINE_TIMINGS.exportMs / 2, 'cohort-G chr19 (exporting)');
  engine.enqueue(exporting, exporting.submittedOn, exportingInput);
  const running = make(now - 4 * MIN, 'cohort-H chr1-22');
  engine.enqueue(running, running.submittedOn, summaries(['1', '2', '3', '4', '5', '6']));
  const waiting = make(now - 30_000, 'cohort-I (waiting)', { phasing: 'no_phasing' });
  engine.enqueue(waiting, waiting.submittedOn, summaries(['7'], { phased: true }));
  // Live jobs catching up read and write files; the demo is ready once they are where they belong.
  await engine.catchUp(now);
  await writeSampleFiles(state);
}

/** VCFs the demo offers to try (cohorts made from the panel model; docs/server-behaviour.md#server-limits QC rules). */
export const DEMO_SAMPLE_FILES = {
  good: 'demo-cohort-chr20.vcf.gz',
  alleleSwitches: 'demo-cohort-allele-switches-chr20.vcf.gz',
} as const;

export const sampleFilesDir = (state: EmulatorState): string => join(state.dataDir, 'sample-files');

/**
 * A clean cohort, and one with 130 allele switches (more than Michigan's limit of 100, so QC fails
 * there; TOPMed sets no limit and goes on), a few strand flips, A/T-C/G sites and mismatches.
 */
async function writeSampleFiles(state: EmulatorState): Promise<void> {
  const build = state.options.flavour === 'topmed' ? 'hg38' : 'hg19';
  const dir = sampleFilesDir(state);
  await mkdir(dir, { recursive: true });
  const good = panelCohort({ build, samples: 40, matches: 1500, seed: 11, inject: { typedOnly: 30, monomorphic: 4 } });
  const switches = panelCohort({
    build,
    samples: 40,
    matches: 1200,
    seed: 12,
    inject: { alleleSwitches: 130, strandFlips: 12, atcg: 9, alleleMismatches: 5, typedOnly: 25 },
  });
  await writeFile(join(dir, DEMO_SAMPLE_FILES.good), bgzfCompress(good.text));
  await writeFile(join(dir, DEMO_SAMPLE_FILES.alleleSwitches), bgzfCompress(switches.text));
}

/** Many finished jobs (list paging and performance tests); no result files. */
export function seedManyJobs(state: EmulatorState, username: string, n: number, states: number[] = [4, 5, 6, 7, 8, 9, -1]): string[] {
  const { engine, clock } = state;
  const now = clock.now();
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const submitted = now - 10 * MIN - (n - i) * 1000;
    const job = engine.makeJob(engine.newJobId(submitted), username, state.profile.appId, params(state), submitted, `bulk job ${i + 1}`, 'seed');
    const s = states[i % states.length];
    job.state = s;
    job.startTime = submitted + MIN;
    job.endTime = s === JobState.DEAD ? 0 : submitted + 5 * MIN;
    job.persisted = true;
    job.output.exported = s !== JobState.DEAD;
    if (s === JobState.SUCCESS_NOTIFIED || s === JobState.FAILED_NOTIFIED) job.deletedOn = now + DAY;
    if (s === JobState.RETIRED) job.filesDeleted = true;
    ids.push(job.id);
  }
  return ids;
}
