// Turns the server's job JSON into what the screens show: progress from "(done/total)" step
// messages, the validation summary's facts, the QC statistics, files with credits.
import { jobDisplayName } from '../../shared/html-text';
import type { JobDetail, JobSummary } from '../../ipc/contract';
import type { Job } from '../cloudgene/schemas';

export interface ServerRef {
  id: string;
  label: string;
  url: string;
}

const PROGRESS = /<b>\s*([^<]*?)\s*\((\d+)\s*\/\s*(\d+)\)\s*<\/b>/i;

/** Plain text of a server message (for facts, errors and notifications, never for display as HTML). */
export function messageText(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|tr)>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/[ \t]+\n/g, '\n')
    .trim();
}

/** The running step's "(done/total)", else the last one reported. */
export function progressOf(job: Job): JobSummary['progress'] {
  let last: JobSummary['progress'] = null;
  let running: JobSummary['progress'] = null;
  for (const step of job.steps) {
    for (const message of step.logMessages) {
      const match = PROGRESS.exec(message.message);
      if (!match) continue;
      const progress = { label: match[1]!, done: Number(match[2]), total: Number(match[3]) };
      last = progress;
      if (message.type === 3) running = progress;
    }
  }
  return running ?? last;
}

export function toSummary(job: Job, server: ServerRef, now: number): JobSummary {
  return {
    serverId: server.id,
    serverLabel: server.label,
    id: job.id,
    name: jobDisplayName(job.name, job.id),
    application: job.application,
    state: job.state,
    jobsAhead: job.state === 1 && job.positionInQueue >= 0 ? job.positionInQueue : null,
    submittedOn: job.submittedOn,
    startTime: job.startTime,
    endTime: job.endTime,
    deletedOn: job.deletedOn > 0 ? job.deletedOn : null,
    clockOffsetMs: job.currentTime ? job.currentTime - now : 0,
    progress: job.state >= 1 && job.state <= 3 ? progressOf(job) : null,
  };
}

/** "Key: value" lines of a message, e.g. the validation summary ("Samples: 51", "Build: hg19"). */
function keyValueLines(text: string): Array<{ label: string; value: string }> {
  const facts: Array<{ label: string; value: string }> = [];
  for (const line of text.split('\n')) {
    const match = /^\s*([A-Za-z][\w ./,%<>()-]*?)\s*:\s*(.+?)\s*$/.exec(line);
    if (match) facts.push({ label: match[1]!, value: match[2]! });
  }
  return facts;
}

const SUMMARY_HEADER = /valid VCF file\(s\) found/i;

export function factsOf(job: Job): JobDetail['facts'] {
  for (const step of job.steps) {
    for (const message of step.logMessages) {
      const text = messageText(message.message);
      if (message.type === 0 && SUMMARY_HEADER.test(text)) {
        const [first] = text.split('\n');
        return [{ label: 'Files', value: first!.replace(/\s*found\.?$/i, '') }, ...keyValueLines(text)];
      }
    }
  }
  return [];
}

export function qcStatisticsOf(job: Job): JobDetail['qcStatistics'] {
  for (const step of job.steps) {
    for (const message of step.logMessages) {
      const text = messageText(message.message);
      if (/^\s*Statistics:/m.test(text)) return keyValueLines(text).filter((fact) => fact.value !== '');
    }
  }
  return [];
}

// Cloudgene's and the pipeline's generic failure lines (docs/server-behaviour.md#steps-and-messages, 5.6): the reason is
// another message, which may come after them (top-level pipeline errors land in the Summary
// between "Pipeline execution failed." and "Imputation job failed.").
const GENERIC_ERRORS = new Set([
  'Pipeline execution failed.',
  'Pipeline execution canceled.',
  'Imputation job failed.',
  'Imputation job canceled.',
  'Data processing failed.',
]);

/** A QC failure group ends with "<b>Error:</b> ..." after the statistics: that line is the reason. */
function reasonOf(text: string): string {
  const lines = text.split('\n');
  const index = lines.findIndex((line) => /^\s*Error:\s/.test(line));
  return index >= 0
    ? lines
        .slice(index)
        .join('\n')
        .replace(/^\s*Error:\s*/, '')
    : text;
}

/** The reason a job failed: its most specific error message, else a generic one. */
export function firstErrorOf(job: Job): string | null {
  let generic: string | null = null;
  for (const step of job.steps) {
    for (const message of step.logMessages) {
      if (message.type !== 1) continue;
      const text = messageText(message.message);
      if (text === '') continue;
      if (GENERIC_ERRORS.has(text)) generic ??= text;
      else return reasonOf(text);
    }
  }
  return generic;
}

export function filesOf(job: Job): JobDetail['files'] {
  return job.outputParams
    .filter((output) => output.download)
    .flatMap((output) => output.files)
    .map((file) => ({
      name: file.name,
      hash: file.hash,
      sizeLabel: file.size,
      credits: file.count === null || file.count < 0 ? null : file.count,
    }));
}

/** The job's page in Cloudgene's web app. */
export function jobWebUrl(serverUrl: string, jobId: string): string {
  return `${serverUrl}/index.html#!jobs/${encodeURIComponent(jobId)}`;
}

const MAIL_SENT = /We have sent a notification email/i;
const PASSWORD_SHOWN = /We encrypted the results with the following password: <b>/i;

/**
 * How the server gave the results password to the user, from the Summary's last words
 * (docs/server-behaviour.md#summary-messages): a notification e-mail, or (mail off) the password
 * itself, which is then exactly what the zip tool got: taken raw, up to the last </b>, since a
 * server-generated password may hold < and > unescaped.
 */
export function passwordFactsOf(job: Job): { delivery: 'email' | 'summary' | null; summaryPassword: string | null } {
  for (const step of job.steps) {
    for (const message of step.logMessages) {
      if (MAIL_SENT.test(message.message)) return { delivery: 'email', summaryPassword: null };
      const shown = PASSWORD_SHOWN.exec(message.message);
      if (shown) {
        const rest = message.message.slice(shown.index + shown[0].length);
        const end = rest.lastIndexOf('</b>');
        const password = end > 0 ? rest.slice(0, end) : null;
        return { delivery: 'summary', summaryPassword: password };
      }
    }
  }
  return { delivery: null, summaryPassword: null };
}

export function toDetail(job: Job, server: ServerRef, now: number, password: JobDetail['password']): JobDetail {
  return {
    ...toSummary(job, server, now),
    steps: job.steps.map((step) => ({
      name: step.name,
      messages: step.logMessages.filter((message) => message.message.trim() !== '').map((message) => ({ type: message.type, html: message.message })),
    })),
    facts: factsOf(job),
    qcStatistics: qcStatisticsOf(job),
    files: filesOf(job),
    firstError: firstErrorOf(job),
    password,
    webUrl: jobWebUrl(server.url, job.id),
  };
}
