// The results password has to reach the zip tool unchanged. On its way the server changes some
// passwords silently (docs/server-behaviour.md#password-rules): it HTML-escapes & < > " at
// submit, the pipeline reads values that look like numbers or booleans as such (0012345678
// becomes 12345678), and a shell expands $, ` and \ inside the 7z command's double quotes.
// One set of rules, used by main (which refuses) and by the window (which explains while typing).
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 200;

export const PASSWORD_RULES =
  'At least 8 characters: plain ASCII letters, digits and symbols; no spaces; none of & < > " $ ` \\; not only a number, and not true or false';

// What Java's Double.parseDouble (and so Integer.parseInt) accepts, suffixes and hex floats included.
const JAVA_NUMBER = /^[+-]?(NaN|Infinity|((\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|0[xX]([0-9a-fA-F]+\.?[0-9a-fA-F]*|[0-9a-fA-F]*\.[0-9a-fA-F]+)[pP][+-]?\d+)[fFdD]?)$/;

/** The pipeline would read this value as a number (docs/server-behaviour.md#password-rules). */
export const looksLikeNumber = (value: string): boolean => JAVA_NUMBER.test(value.trim());

/** Why a results password would not survive the trip through the server, or null. */
export function passwordProblem(password: string): string | null {
  if (/^(true|false)$/i.test(password)) return 'The server reads "true" and "false" as yes/no values; choose another password.';
  if (password.length < PASSWORD_MIN_LENGTH) return `Use at least ${PASSWORD_MIN_LENGTH} characters for the results password.`;
  if (password.length > PASSWORD_MAX_LENGTH) return `Use at most ${PASSWORD_MAX_LENGTH} characters for the results password.`;
  if (/\s/.test(password)) return 'Leave spaces out of the results password.';
  if (/[^\x21-\x7e]/.test(password)) return 'Use only plain ASCII letters, digits and symbols: the server changes other characters.';
  if (/[&<>"]/.test(password)) return 'The server changes the characters & < > " in passwords (it HTML-escapes them); leave them out.';
  if (/[$`\\]/.test(password)) return 'The server passes the password through a shell, which changes $, ` and \\; leave them out.';
  if (looksLikeNumber(password)) return 'The server reads a password that looks like a number as a number (leading zeros are lost); add a letter.';
  return null;
}
