// "Copy results password": "Copied" only once the clipboard took it, cleared after a minute unless
// the user copied something else meanwhile, and a clipboard that fails is said in words (writing)
// or logged (clearing), never an unhandled rejection.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CLIPBOARD_CLEAR_MS, copySecretToClipboard } from '../../electron/services/jobs/password-clipboard';

function fakeClipboard() {
  let text = '';
  return {
    get text() {
      return text;
    },
    writeText: vi.fn(async (value: string) => {
      text = value;
    }),
    readText: vi.fn(async () => text),
  };
}

const SECRET = 'Results-Password-2026';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('copying a results password', () => {
  it('puts it on the clipboard and clears it after a minute', async () => {
    const clipboard = fakeClipboard();
    const log = { warn: vi.fn() };
    expect(await copySecretToClipboard(clipboard, SECRET, log)).toEqual({ copied: true });
    expect(clipboard.text).toBe(SECRET);
    await vi.advanceTimersByTimeAsync(CLIPBOARD_CLEAR_MS - 1);
    expect(clipboard.text).toBe(SECRET);
    await vi.advanceTimersByTimeAsync(1);
    expect(clipboard.text).toBe('');
    expect(log.warn).not.toHaveBeenCalled();
  });

  it('leaves what the user copied after it', async () => {
    const clipboard = fakeClipboard();
    await copySecretToClipboard(clipboard, SECRET, { warn: vi.fn() });
    await clipboard.writeText('chr20:12345');
    await vi.advanceTimersByTimeAsync(CLIPBOARD_CLEAR_MS);
    expect(clipboard.text).toBe('chr20:12345');
  });

  it('says so when the clipboard refuses it, and does not claim it was copied', async () => {
    const clipboard = fakeClipboard();
    clipboard.writeText.mockRejectedValueOnce(new Error('no X display'));
    const log = { warn: vi.fn() };
    await expect(copySecretToClipboard(clipboard, SECRET, log)).rejects.toMatchObject({
      code: 'unavailable',
      message: 'The password could not be put on the clipboard. Try again, or save it to a file.',
    });
    expect(log.warn).toHaveBeenCalledWith('writing to the clipboard failed: no X display');
    expect(String(log.warn.mock.calls)).not.toContain(SECRET);
  });

  it('logs a clipboard that fails when it is cleared', async () => {
    const clipboard = fakeClipboard();
    const log = { warn: vi.fn() };
    await copySecretToClipboard(clipboard, SECRET, log);
    clipboard.readText.mockRejectedValueOnce(new Error('clipboard gone'));
    await vi.advanceTimersByTimeAsync(CLIPBOARD_CLEAR_MS);
    expect(log.warn).toHaveBeenCalledWith('clearing the clipboard failed: clipboard gone');
  });

  it('is for the desktop app only', async () => {
    await expect(copySecretToClipboard(undefined, SECRET, { warn: vi.fn() })).rejects.toMatchObject({ code: 'unavailable' });
  });
});
