// "Copy results password": from the keychain to the system clipboard in main, so the password
// never passes through the window; cleared again after a minute unless something else was copied.
// Electron 45's clipboard writes and reads are promises: "Copied" is said only once the write
// has succeeded, and a failed clearing is logged, never thrown at nobody.
import { AppError } from '../../ipc/contract';
import type { Logger, Ports } from '../ports';

export const CLIPBOARD_CLEAR_MS = 60_000;

const reason = (error: unknown): string => (error instanceof Error ? error.message : 'unknown error');

export async function copySecretToClipboard(
  clipboard: Ports['clipboard'],
  secret: string,
  log: Pick<Logger, 'warn'>,
  clearAfterMs = CLIPBOARD_CLEAR_MS,
): Promise<{ copied: boolean }> {
  if (!clipboard) throw new AppError('unavailable', 'Copying the password works in the desktop app.');
  try {
    await clipboard.writeText(secret);
  } catch (error) {
    log.warn(`writing to the clipboard failed: ${reason(error)}`);
    throw new AppError('unavailable', 'The password could not be put on the clipboard. Try again, or save it to a file.');
  }
  setTimeout(() => {
    void (async () => {
      if ((await clipboard.readText()) === secret) await clipboard.writeText('');
    })().catch((error: unknown) => log.warn(`clearing the clipboard failed: ${reason(error)}`));
  }, clearAfterMs).unref?.();
  return { copied: true };
}
