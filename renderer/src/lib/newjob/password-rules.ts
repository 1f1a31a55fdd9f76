// The rules main applies to a typed results password (electron/services/uploads/password.ts),
// shown while typing. The server HTML-escapes form values (cloudgene-api.md 5.2), so & < > " and
// non-ASCII characters would silently change the zip password.
export const PASSWORD_RULES = 'At least 8 characters; plain ASCII letters, digits and symbols; no spaces and none of & < > "';

/** Why a typed password cannot be used, or null. */
export function typedPasswordProblem(password: string): string | null {
  if (password.length < 8) return 'Use at least 8 characters for the results password.';
  if (/[&<>"]/.test(password)) return 'The server changes the characters & < > " in passwords; leave them out.';
  if (/\s/.test(password)) return 'Leave spaces out of the results password.';
  if (/[^\x21-\x7e]/.test(password)) return 'Use only plain ASCII letters, digits and symbols: the server changes other characters.';
  if (password.length > 200) return 'Use at most 200 characters for the results password.';
  return null;
}
