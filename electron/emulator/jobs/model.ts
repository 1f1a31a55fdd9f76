import type { RefPanel } from '../apps';
import { humanSize } from '../human-size';

// Cloudgene job states (docs/server-behaviour.md#job-states).
export const JobState = {
  DEAD: -1,
  WAITING: 1,
  RUNNING: 2,
  EXPORTING: 3,
  SUCCESS: 4,
  FAILED: 5,
  CANCELED: 6,
  RETIRED: 7,
  SUCCESS_NOTIFIED: 8,
  FAILED_NOTIFIED: 9,
  DELETED: 10,
} as const;
export type JobStateValue = (typeof JobState)[keyof typeof JobState];
export const isLive = (state: number): boolean => state === 1 || state === 2 || state === 3;

/** Message types: 0 ok, 1 error, 2 warning, 3 running. */
export interface LogMessage {
  type: 0 | 1 | 2 | 3;
  text: string;
  time: number;
}
export interface JobStep {
  id: number;
  name: string;
  messages: LogMessage[];
}

export interface OutputFile {
  /** Path relative to the output folder, may contain `/`. */
  name: string;
  absPath: string;
  hash: string;
  /** Remaining download credits (-1 = unlimited). */
  count: number;
  bytes: number;
}

export interface JobOutput {
  id: number;
  hash: string;
  files: OutputFile[];
  exported: boolean;
}

export interface JobParams {
  refpanel: string;
  panel: RefPanel | null;
  population: string;
  build: string;
  phasing: string;
  mode: string;
  r2Filter: string;
  aesEncryption: boolean;
  meta: boolean;
  /** Zip password after HTML escaping (never logged). */
  password: string;
  passwordGiven: boolean;
  /** Raw text value of `files` when no file part was sent (e.g. a URL). */
  filesText: string | null;
}

export interface Job {
  id: string;
  name: string;
  applicationId: string;
  application: string;
  username: string;
  state: number;
  positionInQueue: number;
  submittedOn: number;
  startTime: number;
  endTime: number;
  deletedOn: number;
  userAgent: string;
  params: JobParams;
  /** Absolute paths of the uploaded files. */
  inputFiles: string[];
  workspace: string;
  steps: JobStep[];
  output: JobOutput;
  /** True once steps and messages were "written to the DB" (ids and times then shown). */
  persisted: boolean;
  log: string[];
  filesDeleted: boolean;
}

export const STEP_NAMES = ['Input Validation', 'Quality Control', 'Phasing and Imputation', 'Summary'] as const;

function messageJson(m: LogMessage, live: boolean) {
  return { success: true, message: m.text, type: m.type, time: live ? 0 : m.time };
}

function stepJson(step: JobStep, live: boolean) {
  const messages = step.messages.filter((m) => m.text.trim() !== '');
  return { id: live ? 0 : step.id, name: step.name, empty: messages.length === 0, logMessages: messages.map((m) => messageJson(m, live)) };
}

interface TreeItem {
  name: string;
  path: string;
  hash: string;
  size: string | null;
  folder: boolean;
  childs: TreeItem[];
}

function buildTree(output: JobOutput): TreeItem[] {
  const root: TreeItem = { name: '', path: '', hash: '', size: null, folder: true, childs: [] };
  for (const file of output.files) {
    const parts = file.name.split('/');
    let node = root;
    for (const dir of parts.slice(0, -1)) {
      let next = node.childs.find((c) => c.folder && c.name === dir);
      if (!next) {
        next = { name: dir, path: '', hash: '', size: null, folder: true, childs: [] };
        node.childs.push(next);
      }
      node = next;
    }
    node.childs.push({
      name: parts[parts.length - 1],
      path: `/browse/${output.hash}/${file.name}`,
      hash: file.hash,
      size: humanSize(file.bytes),
      folder: false,
      childs: [],
    });
  }
  const order = (items: TreeItem[]): TreeItem[] =>
    [...items.filter((i) => i.folder), ...items.filter((i) => !i.folder)].map((i) => ({ ...i, childs: order(i.childs) }));
  return order(root.childs);
}

export interface SerializeContext {
  now: number;
  s3Bucket: string | null;
}

function outputJson(job: Job, ctx: SerializeContext) {
  const live = !job.persisted;
  const files = job.output.exported ? job.output.files : [];
  return {
    id: live ? 0 : job.output.id,
    name: 'output',
    description: 'Downloads',
    value: `${job.workspace}/output`,
    type: null,
    download: true,
    autoExport: false,
    job: null,
    jobId: live ? null : job.id,
    hash: job.output.hash,
    files: files.map((f) => ({
      name: f.name,
      path: ctx.s3Bucket ? `s3://${ctx.s3Bucket}/${job.id}/output/${f.name}` : `${job.id}/output/${f.name}`,
      hash: f.hash,
      count: f.count,
      size: humanSize(f.bytes),
      parameterId: 0,
      user: null,
    })),
    tree: job.output.exported ? buildTree(job.output) : [],
  };
}

/** The full job JSON of docs/server-behaviour.md#job-fields (details, status, cancel, delete, live list items). */
export function jobJson(job: Job, ctx: SerializeContext): Record<string, unknown> {
  const live = !job.persisted;
  return {
    application: job.application,
    applicationId: job.applicationId,
    deletedOn: job.deletedOn,
    endTime: job.endTime,
    id: job.id,
    name: job.name,
    logs: '',
    state: job.state,
    positionInQueue: job.positionInQueue,
    userAgent: job.userAgent,
    startTime: job.startTime,
    submittedOn: job.submittedOn,
    username: job.username,
    currentTime: ctx.now,
    workspaceSize: null,
    steps: job.steps.map((s) => stepJson(s, live)),
    outputParams: [outputJson(job, ctx)],
  };
}

/** List items of jobs not in the queue come from a lightweight DB query (docs/server-behaviour.md#job-list). */
export function lightJobJson(job: Job, ctx: SerializeContext): Record<string, unknown> {
  return { ...jobJson(job, ctx), positionInQueue: -1, username: null, steps: [], outputParams: [] };
}
