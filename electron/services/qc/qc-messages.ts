// What the Quality Control step of a job says, read from its messages (docs/server-behaviour.md
// #qc-messages): the statistics by label, the excluded-sites group with its warnings, and the
// line that stops imputation, if any. The server's own texts are kept for display.
import type { JobDetail } from '../../ipc/contract';
import { messageText } from '../jobs/job-view';

export type StopKind = 'allele-switches' | 'strand-flips' | 'no-chunks' | 'chrx' | 'other';

export interface QcStop {
  kind: StopKind;
  /** The server's line, HTML as sent (the window sanitizes it). */
  html: string;
  /** The same as plain text, without the leading "Error:". */
  text: string;
  /** The limit the server names ("More than 100 ..."), when it names one. */
  limit: number | null;
}

export interface QcMessages {
  /** The job reached the Quality Control step and it printed its statistics. */
  ran: boolean;
  /** Upload and panel builds differ: positions in the server's files are lifted (hg19 → hg38). */
  liftOver: string | null;
  statistics: Array<{ label: string; value: string }>;
  /** The excluded-sites group, line by line, as the server wrote it (HTML). */
  groupLines: Array<{ html: string; tone: 'note' | 'warning' | 'error' }>;
  stop: QcStop | null;
  /** Why the job failed where it was not QC (validation, the pipeline), plain text; null otherwise. */
  otherFailure: string | null;
}

const QC_STEP = /quality control/i;
const CANNOT_START = /Imputation cannot be started!/i;

/** '1,234' → 1234; null when the value is not a count. */
export function countOf(value: string | undefined): number | null {
  if (value === undefined) return null;
  const digits = value.trim().replace(/,/g, '');
  return /^\d+$/.test(digits) ? Number(digits) : null;
}

function stopOf(html: string): QcStop {
  const text = messageText(html)
    .replace(/^\s*Error:\s*/, '')
    .trim();
  const limit = /More than ([\d,]+)/i.exec(text);
  const kind: StopKind = /allele switch/i.test(text)
    ? 'allele-switches'
    : /strand flip/i.test(text)
      ? 'strand-flips'
      : /No chunks passed/i.test(text)
        ? 'no-chunks'
        : /chromosome X|chrX/i.test(text)
          ? 'chrx'
          : 'other';
  return { kind, html, text, limit: limit ? Number(limit[1]!.replace(/,/g, '')) : null };
}

export function readQcMessages(detail: Pick<JobDetail, 'steps' | 'qcStatistics' | 'firstError' | 'state'>): QcMessages {
  const result: QcMessages = { ran: false, liftOver: null, statistics: detail.qcStatistics, groupLines: [], stop: null, otherFailure: null };
  for (const step of detail.steps) {
    if (!QC_STEP.test(step.name)) continue;
    for (const message of step.messages) {
      const text = messageText(message.html);
      if (/^Uploaded data is \S+ and reference is \S+\./.test(text)) result.liftOver = text;
      if (/^\s*Statistics:/m.test(text)) result.ran = true;
      if (/^Excluded sites in total:/m.test(text)) {
        for (const html of message.html.split('\n')) {
          if (html.trim() === '') continue;
          const line = messageText(html);
          const tone = CANNOT_START.test(line) || /^Error:/.test(line) ? 'error' : /^Warning:/.test(line) ? 'warning' : 'note';
          result.groupLines.push({ html, tone });
          if (tone === 'error') result.stop = stopOf(html);
        }
      } else if (message.type === 1 && CANNOT_START.test(text) && !result.stop) result.stop = stopOf(message.html);
    }
  }
  // Failed, but not at QC: the reason is elsewhere (validation, the pipeline itself).
  if (!result.stop && (detail.state === 5 || detail.state === 9)) result.otherFailure = detail.firstError ?? 'The job failed before Quality Control.';
  return result;
}
