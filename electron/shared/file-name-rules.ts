// Input file names the server's pipeline cannot take. Its scripts loop over the uploaded names
// unquoted (`for vcf in ${vcf_files}` in input_validation_vcf.nf; docs/server-behaviour.md#emulator-checklist, item 24), so
// the shell splits, expands or runs whatever a name contains. Pure: used by main and the window.

/** Characters the shell treats specially in an unquoted word, plus whitespace and control characters. */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[$`"'\\;&|<>()*?[\]!#~{}\s\u0000-\u001f\u007f-\u009f]/u;
// eslint-disable-next-line no-control-regex
const UNSAFE_RUNS = /[$`"'\\;&|<>()*?[\]!#~{}\s\u0000-\u001f\u007f-\u009f]+/gu;

const KNOWN_ENDINGS = ['.vcf.gz', '.vcf.bgz', '.vcf', '.bcf', '.gz'];

function describe(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  if (ch === ' ') return 'a space';
  if (/\s/u.test(ch)) return code === 9 ? 'a tab' : 'a line break or other white space';
  if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return `a control character (U+${code.toString(16).toUpperCase().padStart(4, '0')})`;
  return `“${ch}”`;
}

/** A name the pipeline can take: every unsafe run becomes one underscore, no leading '-'. */
export function suggestFileName(name: string): string {
  const ending = KNOWN_ENDINGS.find((e) => name.toLowerCase().endsWith(e)) ?? '';
  const stem = name.slice(0, name.length - ending.length);
  const cleaned = stem
    .replace(UNSAFE_RUNS, '_')
    .replace(/_+/g, '_')
    .replace(/_(?=\.)/g, '')
    .replace(/^[-_.]+/, '')
    .replace(/_+$/, '');
  return `${cleaned || 'input'}${ending.toLowerCase() || '.vcf.gz'}`;
}

/**
 * Why the server's pipeline would mishandle this file name, with a rename suggestion; null when
 * the name is safe.
 */
export function fileNameProblem(name: string): string | null {
  const unsafe = name.match(UNSAFE);
  let reason: string | null = null;
  if (name.length === 0) reason = 'The file has no name';
  else if (unsafe) reason = `The name contains ${describe(unsafe[0])}`;
  else if (name.startsWith('-')) reason = 'The name starts with “-”, which the tools read as an option';
  if (reason === null) return null;
  return `${reason}. The server’s scripts use file names without quotes, so this name would break or change the job. Rename it to “${suggestFileName(name)}”.`;
}
