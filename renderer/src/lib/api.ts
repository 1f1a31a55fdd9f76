// The one accessor components use to reach main; tests can hand in a double with setApi().
import type { Api } from '../../../electron/preload/api';

let current: Api | null = null;

export function setApi(api: Api): void {
  current = api;
}

export function api(): Api {
  if (!current) throw new Error('The app API is not ready yet.');
  return current;
}
