// What the job page says about a results password: never "the password from the e-mail" when no
// e-mail was sent, the plain "not kept" words after a restart without a keychain, and nothing at
// all for a QC check, whose password protects no file.
import { describe, expect, it } from 'vitest';
import type { JobPasswordStatus } from '../../electron/ipc/contract';
import { NOT_KEPT, missingPasswordText, typedPasswordLabel, zipDownloadWarning } from '../../renderer/src/lib/jobs/password-words';

const status = (state: JobPasswordStatus['state'], available: boolean, delivery: JobPasswordStatus['delivery'] = null): JobPasswordStatus => ({
  state,
  available,
  delivery,
});

describe('password words', () => {
  it('say nothing when the app has the password', () => {
    for (const state of ['keychain', 'unsaved', 'saved-by-you'] as const) {
      expect(missingPasswordText(status(state, true))).toBeNull();
      expect(zipDownloadWarning(status(state, true))).toBeNull();
    }
  });

  it('say nothing for a QC check, kept or not', () => {
    for (const available of [true, false]) {
      expect(missingPasswordText(status('not-needed', available))).toBeNull();
      expect(zipDownloadWarning(status('not-needed', available))).toBeNull();
    }
  });

  it('say plainly that a password was not kept, and warn before credits are spent', () => {
    expect(missingPasswordText(status('lost', false))).toContain(NOT_KEPT);
    expect(zipDownloadWarning(status('lost', false))).toContain(NOT_KEPT);
    expect(typedPasswordLabel(status('lost', false))).toBe('Results password');
  });

  it('name the e-mail only when the server sent one', () => {
    expect(typedPasswordLabel(status('unknown', false, 'email'))).toBe('Password from the e-mail');
    expect(typedPasswordLabel(status('unknown', false, null))).toBe('Results password');
    expect(missingPasswordText(status('unknown', false, null))).not.toContain('e-mail');
    expect(zipDownloadWarning(status('unknown', false, 'email'))).toContain('e-mail');
  });

  it('tell a locked keychain apart', () => {
    expect(missingPasswordText(status('locked', false))).toContain('Unlock your keychain (login keyring) and try again');
    expect(zipDownloadWarning(status('locked', false))).toContain('locked');
  });
});
