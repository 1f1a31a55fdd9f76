// Results insight (quality summary, QC files, filtered export, methods record, download commands):
// part of the IPC contract (electron/ipc/contract.ts). Pure TypeScript (zod only), so the bins
// below are the one definition main and the renderer share.
import { z } from 'zod';

export { ER2_POINTS_MAX, MAF_BINS, R2_HISTOGRAM_BINS, R2_THRESHOLDS } from './results-bins';

const mafBin = z.object({
  /** Sites with both MAF and R2 in this bin. */
  count: z.number().int(),
  r2Sum: z.number(),
  /** Sites of this bin with R2 at least 0.3 and at least 0.8. */
  pass: z.array(z.number().int()),
});

export const chromosomeQuality = z.object({
  /** '20', 'X', or 'all' for the whole job. */
  chromosome: z.string(),
  /** Records read. */
  variants: z.number().int(),
  /** Records flagged IMPUTED only, TYPED (with or without IMPUTED), and TYPED without IMPUTED. */
  imputed: z.number().int(),
  typed: z.number().int(),
  typedOnly: z.number().int(),
  /** Records without a number in R2 (or MAF): left out of the R2 (or MAF) figures. */
  missingR2: z.number().int(),
  missingMaf: z.number().int(),
  r2Sum: z.number(),
  /** Records with R2 at least each of R2_THRESHOLDS. */
  pass: z.array(z.number().int()),
  mafBins: z.array(mafBin),
  r2Histogram: z.array(z.number().int()),
  er2: z.object({
    /** Typed sites with both R2 and ER2. */
    count: z.number().int(),
    /** Per R2 histogram bin: how many typed sites and the sum of their ER2. */
    bins: z.array(z.object({ count: z.number().int(), er2Sum: z.number() })),
    /** [R2, ER2] pairs in file order, thinned evenly to at most ER2_POINTS_MAX. */
    points: z.array(z.tuple([z.number(), z.number()])),
  }),
});
export type ChromosomeQuality = z.infer<typeof chromosomeQuality>;

export const fileStamp = z.object({ name: z.string(), bytes: z.number(), mtimeMs: z.number() });
export type FileStamp = z.infer<typeof fileStamp>;

export const qualitySummary = z.object({
  serverId: z.string(),
  jobId: z.string(),
  createdAt: z.number(),
  /** The info files read, as they were then: a change in any of them makes the summary stale. */
  files: z.array(fileStamp),
  chromosomes: z.array(chromosomeQuality),
  overall: chromosomeQuality,
  /** Files that could not be read whole (their readable part is counted). */
  problems: z.array(z.object({ file: z.string(), message: z.string() })),
  readMs: z.number(),
});
export type QualitySummary = z.infer<typeof qualitySummary>;

/** One chromosome of a job: what the server offers and what is on disk. */
export const chromosomeFiles = z.object({
  chromosome: z.string(),
  /** chr_N.zip as the server lists it. */
  zip: z.string().nullable(),
  zipOnServer: z.boolean(),
  zipDownloaded: z.boolean(),
  /** Download credits left of the zip; null = unlimited or unknown. */
  zipCredits: z.number().nullable(),
  info: z.boolean(),
  dose: z.boolean(),
  empiricalDose: z.boolean(),
  /** In words, when something is missing: what it is and how to get it. */
  missing: z.string().nullable(),
});

export const resultsOverview = z.object({
  serverId: z.string(),
  jobId: z.string(),
  jobName: z.string(),
  /** The job's folder of results on this computer. */
  folder: z.string(),
  /** Results exist on the server (a succeeded job that is not retired). */
  onServer: z.boolean(),
  chromosomes: z.array(chromosomeFiles),
  /** QC files on disk (relative names). */
  qcFiles: z.array(z.string()),
  /** Server files not on disk yet (relative names), with their credits. */
  notDownloaded: z.array(z.object({ name: z.string(), credits: z.number().nullable() })),
  /** Downloaded zips not unpacked at all (unpacking never replaces a file, so half-unpacked ones are not here). */
  notExtracted: z.array(z.string()),
  /** The app can unpack without asking for the password. */
  passwordAvailable: z.boolean(),
  /** The cached summary, when it still matches the files on disk. */
  summary: qualitySummary.nullable(),
  /** A cached summary exists but the files changed since. */
  summaryStale: z.boolean(),
});
export type ResultsOverview = z.infer<typeof resultsOverview>;

export const resultsQc = z.object({
  /** The QC statistics from the job's Quality Control step. */
  statistics: z.array(z.object({ label: z.string(), value: z.string() })),
  /** statistics/snps-excluded.txt by reason (the INFO column without its details), largest first. */
  excludedByReason: z.array(z.object({ reason: z.string(), count: z.number().int(), example: z.string() })),
  excludedTotal: z.number().int().nullable(),
  /** statistics/chunks-excluded.txt. */
  excludedChunks: z
    .array(z.object({ chunk: z.string(), snps: z.number(), referenceOverlap: z.number().nullable(), lowCallRateSamples: z.number() }))
    .nullable(),
  typedOnly: z.number().int().nullable(),
  /** quality-control.html as the server wrote it: not sanitized here; the renderer sanitizes it and shows it without scripts. */
  reportHtml: z.string().nullable(),
  /** Files the view looked for and did not find. */
  missing: z.array(z.string()),
});
export type ResultsQc = z.infer<typeof resultsQc>;

export const exportOptions = z
  .object({
    serverId: z.string(),
    jobId: z.string().min(1).max(200),
    minR2: z.number().min(0).max(1),
    minMaf: z.number().min(0).max(0.5),
    chromosomes: z.array(z.string().max(8)).min(1).max(30),
    concatenate: z.boolean(),
  })
  .strict();
export type ExportOptions = z.infer<typeof exportOptions>;

export const exportPlan = z.object({
  /** The files the export writes (absolute paths) and, for each, the inputs in order. */
  outputs: z.array(z.object({ path: z.string(), inputs: z.array(z.string()) })),
  /** The same with Debian's bcftools and tabix, one command per line, ready for a shell. */
  command: z.string(),
  /** The bcftools filter expression. */
  expression: z.string(),
});
export type ExportPlan = z.infer<typeof exportPlan>;

export const exportResult = exportPlan.extend({
  files: z.array(z.object({ path: z.string(), records: z.number().int(), kept: z.number().int(), bytes: z.number() })),
  ms: z.number(),
});
export type ExportResult = z.infer<typeof exportResult>;

const fileDigest = z.object({ name: z.string(), bytes: z.number(), digest: z.string().nullable(), note: z.string().optional() });

/** What a fix or slim rewrite made before upload (see electron/services/results/preparation-record.ts). */
export const preparationStep = z.object({
  kind: z.string(),
  description: z.string(),
  source: z.object({ name: z.string(), sha256: z.string().nullable() }).nullable(),
  output: z.string(),
  command: z.string().nullable(),
  tool: z.string().nullable(),
  createdAt: z.string().nullable(),
});

export const methodsRecord = z.object({
  schema: z.literal('imputation-desktop/methods-record@1'),
  createdAt: z.string(),
  app: z.object({ name: z.string(), version: z.string() }),
  server: z.object({ label: z.string(), url: z.string(), kind: z.string(), name: z.string().nullable() }),
  /** Cloudgene's application of the job ("Genotype Imputation 2.0.12") and the pipeline version in the results. */
  application: z.string(),
  pipelineVersion: z.string().nullable(),
  job: z.object({ id: z.string(), name: z.string(), submittedAt: z.string().nullable(), completedAt: z.string().nullable() }),
  settings: z.object({
    referencePanel: z.string().nullable(),
    referencePanelVersion: z.string().nullable(),
    build: z.string().nullable(),
    phasing: z.string().nullable(),
    population: z.string().nullable(),
    r2Filter: z.string().nullable(),
    mode: z.string().nullable(),
    /** Where the settings were read: the job's validation summary, the app's own submission record. */
    sources: z.array(z.string()),
  }),
  inputs: z.array(fileDigest),
  /** Why inputs is empty or incomplete, when it is. */
  inputsNote: z.string().nullable(),
  preparation: z.array(preparationStep),
  qc: z.object({
    statistics: z.array(z.object({ label: z.string(), value: z.string() })),
    excludedByReason: z.array(z.object({ reason: z.string(), count: z.number().int() })),
    excludedChunks: z.number().int().nullable(),
    typedOnly: z.number().int().nullable(),
  }),
  /** Output files on disk with their MD5 (as `md5sum` prints it). */
  outputs: z.array(fileDigest),
  quality: z
    .object({ variants: z.number().int(), meanR2: z.number().nullable(), pass: z.array(z.object({ threshold: z.number(), count: z.number().int() })) })
    .nullable(),
  citations: z.array(z.object({ id: z.string(), text: z.string(), doi: z.string().nullable(), why: z.string(), source: z.string() })),
});
export type MethodsRecord = z.infer<typeof methodsRecord>;

export const methodsAnswer = z.object({ record: methodsRecord, paragraph: z.string(), path: z.string() });

export const downloadCommands = z.object({
  /** A shell script: a comment with the credits left, then one `curl --fail -o` line per file. */
  script: z.string(),
  files: z.array(z.object({ name: z.string(), credits: z.number().nullable(), command: z.string() })),
  /** Files with no download left (left out of the script). */
  exhausted: z.array(z.string()),
  warning: z.string(),
});
export type DownloadCommands = z.infer<typeof downloadCommands>;

export const resultsProgress = z.object({
  operationId: z.string(),
  kind: z.enum(['summary', 'export', 'methods']),
  doneBytes: z.number(),
  totalBytes: z.number(),
  /** The file being read now. */
  file: z.string().nullable(),
});

const jobRequest = { serverId: z.string(), jobId: z.string().min(1).max(200) };
/** The renderer names each long operation, so progress events and cancel can refer to it. */
const operationId = z.string().min(1).max(100);

export const resultsChannels = {
  /** What is on disk for the job (per chromosome), what is missing, and the cached summary if it still fits. */
  'results:overview': { request: z.object(jobRequest).strict(), response: resultsOverview },
  /** Reads every chrN.info.gz on worker threads (progress as results:progress), caches and answers the summary. */
  'results:summarize': { request: z.object({ ...jobRequest, operationId }).strict(), response: qualitySummary },
  /** The QC side: statistics, excluded sites by reason, excluded chunks, the server's HTML report. */
  'results:qc': { request: z.object(jobRequest).strict(), response: resultsQc },
  /** The files a filtered export would write and the equivalent bcftools command. */
  'results:exportPlan': { request: exportOptions, response: exportPlan },
  /** Writes the filtered dose VCFs (BGZF), streaming; progress as results:progress; cancel with results:cancel. */
  'results:export': { request: exportOptions.extend({ operationId }).strict(), response: exportResult },
  /** Builds the methods record (checksums of inputs and outputs), saves it next to the results. */
  'results:methods': { request: z.object({ ...jobRequest, operationId }).strict(), response: methodsAnswer },
  /** `curl --fail -o` lines for every result file, with the credits each run spends. */
  'results:downloadCommands': { request: z.object(jobRequest).strict(), response: downloadCommands },
  /** Saves a plot (PNG, base64) or its numbers (CSV) into the job's folder, below plots/. */
  'results:saveChart': {
    request: z
      .object({
        ...jobRequest,
        name: z
          .string()
          .min(1)
          .max(120)
          .regex(/^[\w.-]+$/),
        format: z.enum(['png', 'csv']),
        data: z.string().max(30_000_000),
      })
      .strict(),
    response: z.object({ path: z.string() }),
  },
  'results:cancel': { request: z.object({ operationId }).strict(), response: z.object({ canceled: z.boolean() }) },
} as const;

export const resultsEvents = {
  /** Bytes read by a summary, export or methods record (a few times a second). */
  'results:progress': resultsProgress,
} as const;
