// Checks and fixes survive a restart (a QC job waits hours in a shared queue): each run is kept in
// qc-runs.json without any secret (the results passwords stay with JobPasswords), with the file
// sets already sent to each server.
import path from 'node:path';
import { z } from 'zod';
import { ipcError, qcFixOptions, qcPhase, qcReport } from '../../ipc/contract';
import { JsonFileWriter, loadJsonFile } from '../storage/json-file';

const uploadFile = z.object({ path: z.string(), name: z.string(), size: z.number(), mtimeMs: z.number() });

const copySet = z.object({
  purpose: z.enum(['slim', 'corrected']),
  folder: z.string(),
  files: z.array(uploadFile),
  changeLog: z.string().nullable(),
  /** The transform's fingerprint, so the same copies can be used again. */
  specKey: z.string(),
  deleted: z.boolean(),
});
export type CopySet = z.output<typeof copySet>;

const runRecord = z.object({
  id: z.string(),
  serverId: z.string(),
  kind: z.enum(['check', 'slim']),
  jobName: z.string(),
  createdAt: z.number(),
  phase: qcPhase,
  sources: z.array(uploadFile),
  appId: z.string(),
  /** The form's values as the user chose them (mode included). */
  values: z.record(z.string(), z.string()),
  checkboxes: z.record(z.string(), z.boolean()),
  passwordMode: z.enum(['generate', 'typed']),
  slim: z.boolean(),
  qcMode: z.string().nullable(),
  checkUploadId: z.string().nullable(),
  checkJobId: z.string().nullable(),
  checkJobState: z.number().nullable(),
  excludedPath: z.string().nullable(),
  report: qcReport.nullable(),
  impute: z
    .object({
      options: qcFixOptions,
      uploadId: z.string().nullable(),
      jobId: z.string().nullable(),
      changes: z
        .object({
          swapped: z.number(),
          flipped: z.number(),
          flippedAndSwapped: z.number(),
          droppedMismatches: z.number(),
          droppedAmbiguous: z.number(),
          notFound: z.number(),
        })
        .nullable(),
    })
    .nullable(),
  copies: z.array(copySet),
  keepCopies: z.boolean(),
  dismissed: z.boolean(),
  notice: z.string().nullable(),
  error: ipcError.nullable(),
});
export type RunRecord = z.output<typeof runRecord>;

const document = z.object({
  version: z.literal(1),
  runs: z.array(runRecord),
  /** fileSetKey → when it was last submitted. */
  submitted: z.record(z.string(), z.number()),
});
type Document = z.output<typeof document>;

const MAX_FILE_SETS = 500;

export class QcStore {
  private constructor(
    private readonly doc: Document,
    private readonly writer: JsonFileWriter,
  ) {}

  static async open(userDataDir: string, onError: (error: unknown) => void): Promise<QcStore> {
    const file = path.join(userDataDir, 'qc-runs.json');
    const { value } = await loadJsonFile(
      file,
      (): Document => ({ version: 1, runs: [], submitted: {} }),
      (raw) => document.parse(raw),
    );
    let store: QcStore | null = null;
    const writer = new JsonFileWriter(file, () => store!.doc, onError);
    store = new QcStore(value, writer);
    return store;
  }

  runs(): RunRecord[] {
    return this.doc.runs;
  }

  get(id: string): RunRecord | undefined {
    return this.doc.runs.find((run) => run.id === id);
  }

  add(run: RunRecord): void {
    this.doc.runs.push(run);
    void this.save();
  }

  remove(id: string): void {
    this.doc.runs = this.doc.runs.filter((run) => run.id !== id);
    void this.save();
  }

  wasSubmitted(key: string): boolean {
    return this.doc.submitted[key] !== undefined;
  }

  markSubmitted(key: string, at: number): void {
    this.doc.submitted[key] = at;
    const keys = Object.entries(this.doc.submitted).sort((a, b) => b[1] - a[1]);
    for (const [old] of keys.slice(MAX_FILE_SETS)) delete this.doc.submitted[old];
    void this.save();
  }

  save(): Promise<void> {
    return this.writer.save();
  }
}
