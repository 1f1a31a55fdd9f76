// A server step message (HTML, docs/server-behaviour.md#steps-and-messages) taken apart before it is shown: the
// "(done/total)" progress bar becomes our own component, newlines become line breaks, and the
// validation summary and QC statistics are recognised (the detail shows them as lists and tables).
// Pure string work; sanitizing happens in sanitize-message.ts, in the page.

export type MessageTone = 'ok' | 'error' | 'warning' | 'running';
export type MessageKind = 'progress' | 'summary' | 'statistics' | 'password' | 'text';

export interface Progress {
  label: string;
  done: number;
  total: number;
}

export interface PreparedMessage {
  tone: MessageTone;
  kind: MessageKind;
  progress: Progress | null;
  /** Server HTML still to be sanitized, with the progress bar taken out. */
  html: string;
  /**
   * The results password in the Summary of a server without e-mail (docs/server-behaviour.md#summary-messages), split
   * out so the page can hide it until asked: HTML before it, the password (still HTML-escaped), HTML after.
   */
  password: { before: string; value: string; after: string } | null;
}

/** Message types: 0 ok, 1 error, 2 warning, 3 running (docs/server-behaviour.md#steps-and-messages). */
export function toneOf(type: number): MessageTone {
  return type === 1 ? 'error' : type === 2 ? 'warning' : type === 3 ? 'running' : 'ok';
}

// The progressbar template: <b>{label} ({done}/{total})</b><br><div class="progress" ...> with
// three empty "progress-bar" divs inside (docs/server-behaviour.md#steps-and-messages).
const PROGRESS_HEADER = /<b>\s*([^<]*?)\s*\((\d+)\s*\/\s*(\d+)\)\s*<\/b>\s*(?:<br\s*\/?>)?/i;
// The generated password may hold '<' and '>' (its symbols include them), and the server writes it
// into the HTML as is: take everything up to the closing </b>, which a password cannot contain.
const PASSWORD = /^(.*?following password:\s*)<b>([\s\S]*?)<\/b>(.*)$/is;
const PROGRESS_BAR = /<div[^>]*class="[^"]*\bprogress\b[^"]*"[^>]*>(?:\s*<div[^>]*>\s*<\/div>)*\s*<\/div>/gi;

export function parseProgress(html: string): Progress | null {
  const match = PROGRESS_HEADER.exec(html);
  if (!match) return null;
  const done = Number(match[2]);
  const total = Number(match[3]);
  return { label: match[1]!, done, total };
}

export function prepareMessage(message: { type: number; html: string }): PreparedMessage {
  const tone = toneOf(message.type);
  const progress = parseProgress(message.html);
  let html = message.html;
  if (progress) html = html.replace(PROGRESS_HEADER, '').replace(PROGRESS_BAR, '');
  html = html
    .replace(/\r?\n/g, '<br>')
    // "<br><b>Error:</b> More than N allele switches..." starts with a break (docs/server-behaviour.md#qc-messages).
    .replace(/^(?:\s*<br\s*\/?>)+/i, '')
    .replace(/(?:<br\s*\/?>\s*)+$/i, '')
    .trim();
  const secret = PASSWORD.exec(html);
  const password = secret ? { before: secret[1]!, value: secret[2]!, after: secret[3]! } : null;
  const kind: MessageKind = progress
    ? 'progress'
    : password
      ? 'password'
      : /^(?:<b>)?\s*Statistics:/i.test(html)
        ? 'statistics'
        : /valid VCF file\(s\) found/i.test(html)
          ? 'summary'
          : 'text';
  return { tone, kind, progress, html, password };
}

/** The first line of a message (the validation summary's "1 valid VCF file(s) found."), still HTML. */
export function firstLine(html: string): string {
  return html.split(/<br\s*\/?>/i)[0]!;
}

/** The status of a whole step, from its messages: an error wins, then running, then warnings. */
export function stepTone(messages: ReadonlyArray<{ type: number }>): MessageTone | 'pending' {
  if (messages.length === 0) return 'pending';
  const tones = messages.map((message) => toneOf(message.type));
  if (tones.includes('error')) return 'error';
  if (tones.includes('running')) return 'running';
  if (tones.includes('warning')) return 'warning';
  return 'ok';
}

/** 0..1, safe for a total of 0. */
export const fractionOf = (progress: Pick<Progress, 'done' | 'total'>): number =>
  progress.total > 0 ? Math.min(1, Math.max(0, progress.done / progress.total)) : 0;
