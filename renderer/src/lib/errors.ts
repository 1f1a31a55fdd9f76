// Error codes from main, in words for the user. The one place this mapping lives.
import { ApiError } from '../../../electron/preload/api';

const fallbackWords: Record<string, string> = {
  'invalid-request': 'The app sent itself a request it could not understand.',
  'unknown-channel': 'This version of the app does not know that action.',
  'forbidden-sender': 'This window is not allowed to talk to the app.',
  internal: 'Something went wrong inside the app.',
  unavailable: 'That is not available here.',
  network: 'The server could not be reached. Check your connection.',
  timeout: 'The server took too long to answer.',
};

/** Main's messages are already written for people; codes without one get a sentence here. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) return error.message || fallbackWords[error.code] || error.code;
  if (error instanceof Error) return error.message;
  return String(error);
}
