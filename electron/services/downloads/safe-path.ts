// Where a result file may be written. File names come from the server and may contain `/`
// (docs/server-behaviour.md#output-files: `statistics/snps-excluded.txt`): subfolders are kept, anything that could
// leave the job folder or that one of the three desktop OSes cannot store is refused.
import path from 'node:path';
import { jobDisplayName } from '../../shared/html-text';

export type SafePathResult = { ok: true; path: string; relative: string } | { ok: false; reason: string };

/** Longest name of one path segment, in UTF-8 bytes, leaving room for the `.part` suffix (255 on most file systems). */
export const MAX_SEGMENT_BYTES = 200;
/** Longest relative name accepted, in characters. */
export const MAX_NAME_LENGTH = 1000;

// Windows refuses these base names whatever the extension (CON.txt is CON); the superscript digits count too.
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)(\..*)?$/i;
// Characters Windows does not allow in a file name; `\` would also be a separator there.
const WINDOWS_FORBIDDEN = /[<>:"|?*\\]/;
// C0, DEL and C1 controls.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// Bidirectional controls reorder what a reader sees: `report\u202Etxt.exe` shows as `reportexe.txt`.
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
// Invisible format characters (zero-width space and joiners, word joiner, BOM, soft hyphen, tags...).
const INVISIBLE = /\p{Cf}/u;
// Characters drawn like `/` or `\` that are not separators: `results\u2215chr1.zip` reads as a folder.
const SLASH_LOOKALIKE = /[\u2044\u2215\u2216\u29f8\u29f9\ufe68\uff0f\uff3c]/;

export function resolveResultPath(rootDir: string, serverName: string): SafePathResult {
  const reason = unsafeNameReason(serverName);
  if (reason) return { ok: false, reason: `The file name "${printable(serverName)}" ${reason}` };
  const segments = serverName.split('/');
  const root = path.resolve(rootDir);
  const target = path.resolve(root, ...segments);
  // Belt and braces: the rules above already exclude every way out of the root.
  if (!target.startsWith(root + path.sep)) {
    return { ok: false, reason: `The file name "${printable(serverName)}" points outside the download folder.` };
  }
  return { ok: true, path: target, relative: segments.join(path.sep) };
}

/** Why a relative name from the server cannot be used, or null when it can. */
export function unsafeNameReason(name: string): string | null {
  if (name.length === 0) return 'is empty.';
  if (name.includes('\u0000')) return 'contains a NUL character.';
  if (CONTROL.test(name)) return 'contains control characters.';
  if (BIDI.test(name)) return 'contains characters that reverse the reading order (bidirectional controls), which can hide its real extension.';
  if (INVISIBLE.test(name)) return 'contains invisible characters (such as a zero-width space).';
  if (SLASH_LOOKALIKE.test(name)) return 'contains a character that looks like a slash but is not one.';
  if (name.length > MAX_NAME_LENGTH) return `is longer than ${MAX_NAME_LENGTH} characters.`;
  if (name.startsWith('/') || name.startsWith('\\')) return 'is an absolute path.';
  if (/^[a-zA-Z]:/.test(name)) return 'starts with a drive letter.';
  for (const segment of name.split('/')) {
    if (segment === '') return 'has an empty folder name (a doubled or trailing "/").';
    if (segment === '.' || segment === '..') return 'contains "." or ".." folders.';
    if (WINDOWS_FORBIDDEN.test(segment)) return 'contains a character Windows does not allow (< > : " | ? * \\).';
    if (WINDOWS_RESERVED.test(segment)) return `uses "${segment}", a name Windows reserves.`;
    if (/[. ]$/.test(segment)) return 'has a part ending in a dot or a space, which Windows drops.';
    if (Buffer.byteLength(segment, 'utf8') > MAX_SEGMENT_BYTES) return `has a part longer than ${MAX_SEGMENT_BYTES} bytes.`;
  }
  return null;
}

/** How two names compare on a file system that ignores case (Windows, macOS) and, on macOS, normalization. */
export function foldedName(name: string): string {
  return name.normalize('NFC').toLowerCase();
}

/**
 * Names of one job that would land on the same file where case does not count: each later name
 * maps to the reason it is refused (the first of them, in the server's order, keeps its place).
 */
export function caseCollisions(names: Iterable<string>): Map<string, string> {
  const firstOf = new Map<string, string>();
  const refused = new Map<string, string>();
  for (const name of names) {
    const key = foldedName(name);
    const first = firstOf.get(key);
    if (first === undefined) firstOf.set(key, name);
    else if (first !== name && !refused.has(name)) {
      refused.set(
        name,
        `The file name "${printable(name)}" differs from "${printable(first)}" only in upper and lower case: on Windows and macOS one would overwrite the other.`,
      );
    }
  }
  return refused;
}

/**
 * The folder of one job's results below the server's results folder: `<jobId>-<job name>`, with
 * the name as the user typed it (the server sends it HTML-escaped) and safe for every OS.
 */
export function jobFolderName(jobId: string, rawJobName: string | null | undefined): string {
  const id = sanitizeSegment(jobId, 'job');
  const name = sanitizeSegment(jobDisplayName(rawJobName, jobId), '');
  return name && name !== id ? truncateBytes(`${id}-${name}`, 120).replace(/[. ]+$/, '') : id;
}

/** Turns any text into one file-name segment every OS accepts; `fallback` when nothing is left. */
export function sanitizeSegment(text: string, fallback: string): string {
  let out = text
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, '') // eslint-disable-line no-control-regex
    .replace(/\p{Cf}/gu, '')
    .replace(/[<>:"|?*\\/\u2044\u2215\u2216\u29f8\u29f9\ufe68\uff0f\uff3c]/g, '_')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[. ]+$/, '');
  out = truncateBytes(out, 100).replace(/[. ]+$/, '');
  if (out === '' || out === '.' || out === '..') return fallback;
  if (WINDOWS_RESERVED.test(out)) out = `_${out}`;
  return out;
}

function truncateBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  let out = '';
  for (const char of text) {
    if (Buffer.byteLength(out + char, 'utf8') > maxBytes) break;
    out += char;
  }
  return out;
}

function printable(name: string): string {
  // Shown in messages: controls and invisible characters as a visible mark, never as themselves.
  // eslint-disable-next-line no-control-regex
  const shown = name.replace(/[\u0000-\u001f\u007f-\u009f]|\p{Cf}/gu, '�');
  return shown.length > 80 ? `${shown.slice(0, 77)}...` : shown;
}
