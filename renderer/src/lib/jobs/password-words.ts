// What the job page says about a job's results password, in one place: the extract box, the
// warning before download credits are spent on zips, the label of the field to type it in.
import type { JobPasswordStatus } from '../../../../electron/ipc/contract';

export const NOT_KEPT = 'The password for this job was not kept on this computer';

/** Where the password comes from for unpacking, in the user's words; null when the app has it. */
export function typedPasswordLabel(status: JobPasswordStatus): string {
  if (status.state === 'unknown' && status.delivery === 'email') return 'Password from the e-mail';
  return 'Results password';
}

/** Why the app cannot unpack by itself, or null when it can. */
export function missingPasswordText(status: JobPasswordStatus): string | null {
  if (status.available || status.state === 'not-needed') return null;
  switch (status.state) {
    case 'locked':
      return 'Your keychain is locked, so the app cannot read this job’s password. Unlock your keychain (login keyring) and try again, or type the password.';
    case 'lost':
      return `${NOT_KEPT} (there was no keychain to keep it in when the app last closed). If you saved it, type it here; the server cannot send it again.`;
    default:
      return status.delivery === 'email'
        ? 'This job was not submitted from this app: its password is in the e-mail the server sent when the job finished.'
        : 'This job was not submitted from this app, so the app does not know its password. Type it if you have it.';
  }
}

/** Said before any download credit is spent on the encrypted chr_*.zip files; null when all is well. */
export function zipDownloadWarning(status: JobPasswordStatus): string | null {
  if (status.available || status.state === 'not-needed') return null;
  if (status.state === 'locked') return 'Your keychain is locked, so the app cannot read this job’s password now.';
  if (status.state === 'lost') return `${NOT_KEPT}: without it the zip files cannot be opened, and every download spends one of a limited number of credits.`;
  if (status.delivery === 'email') return 'The app does not know this job’s password: you need the one from the server’s e-mail to open the zip files.';
  return 'The app does not know this job’s password: without it the zip files cannot be opened, and every download spends one of a limited number of credits.';
}

export const isResultsZipName = (name: string): boolean => /(^|\/)chr_[^/]+\.zip$/.test(name);
