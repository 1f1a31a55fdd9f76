// Results passwords. The server HTML-escapes form values (cloudgene-api.md 5.2), so & < > " and
// non-ASCII characters would silently change the zip password: they are never generated and
// never accepted. Spaces are left out too (easy to lose when copying).
import { randomInt } from 'node:crypto';

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789!#%*+-=?@_';
export const GENERATED_LENGTH = 24;

export function generatePassword(length = GENERATED_LENGTH): string {
  let password = '';
  for (let index = 0; index < length; index += 1) password += ALPHABET[randomInt(ALPHABET.length)];
  return password;
}

/** Why a typed password cannot be used, or null. */
export function passwordProblem(password: string): string | null {
  if (password.length < 8) return 'Use at least 8 characters for the results password.';
  if (/[&<>"]/.test(password)) return 'The server changes the characters & < > " in passwords; leave them out.';
  if (/\s/.test(password)) return 'Leave spaces out of the results password.';
  if (/[^\x21-\x7e]/.test(password)) return 'Use only plain ASCII letters, digits and symbols: the server changes other characters.';
  return null;
}
