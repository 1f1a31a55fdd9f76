// "Copy results password": from the keychain to the system clipboard in main, so the password
// never passes through the window; cleared again after a minute unless something else was copied.
import { AppError } from '../../ipc/contract';
import type { Ports } from '../ports';

export const CLIPBOARD_CLEAR_MS = 60_000;

export async function copySecretToClipboard(clipboard: Ports['clipboard'], secret: string, clearAfterMs = CLIPBOARD_CLEAR_MS): Promise<{ copied: boolean }> {
  if (!clipboard) throw new AppError('unavailable', 'Copying the password works in the desktop app.');
  clipboard.writeText(secret);
  setTimeout(async () => {
    if ((await clipboard.readText()) === secret) clipboard.writeText('');
  }, clearAfterMs).unref?.();
  return { copied: true };
}
