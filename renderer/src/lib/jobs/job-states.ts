// What each Cloudgene job state (docs/server-behaviour.md#job-states) means to the user: one label, one tone,
// one filter group, and which actions the server accepts. The single place this mapping lives.
// 8 and 9 are not "Pending"/"Error" as in the web UI: they are finished jobs with a retirement date.

import { isLive } from '../../../../electron/shared/job-states';

export type StateTone = 'live' | 'success' | 'failure' | 'attention' | 'muted';
export type StateGroup = 'live' | 'succeeded' | 'failed' | 'canceled' | 'retired';

export interface StateInfo {
  /** The full label, e.g. "Interrupted (can be restarted)". */
  label: string;
  /** The label without its note, for tight places ("Interrupted"). */
  short: string;
  /** The part in parentheses, if any ("can be restarted"). */
  note: string | null;
  tone: StateTone;
  group: StateGroup;
}

const info = (short: string, note: string | null, tone: StateTone, group: StateGroup): StateInfo => ({
  label: note ? `${short} (${note})` : short,
  short,
  note,
  tone,
  group,
});

const STATES: Record<number, StateInfo> = {
  // DEAD: it was live when the server restarted; only /restart brings it back (docs/server-behaviour.md#restart). It did not
  // finish, so it sits with the failures (Live is what the server is working on: 1-3).
  [-1]: info('Interrupted', 'can be restarted', 'attention', 'failed'),
  1: info('Waiting', null, 'live', 'live'),
  2: info('Running', null, 'live', 'live'),
  3: info('Exporting results', null, 'live', 'live'),
  4: info('Succeeded', null, 'success', 'succeeded'),
  5: info('Failed', null, 'failure', 'failed'),
  6: info('Canceled', null, 'muted', 'canceled'),
  7: info('Retired', 'results deleted', 'muted', 'retired'),
  // The retirement reminder was sent; deletedOn holds the date (docs/server-behaviour.md#job-states).
  8: info('Succeeded', null, 'success', 'succeeded'),
  // "Failed or canceled": the server merges 5 and 6 here, so the tone cannot tell them apart.
  9: info('Failed or canceled', null, 'failure', 'failed'),
};

export function stateInfo(state: number): StateInfo {
  return STATES[state] ?? info(`Unknown state ${state}`, null, 'muted', 'retired');
}

/** Waiting, running or exporting: the server is still working on it. */
export { isLive };

/** The web UI offers cancel for 1-3 only; the server ignores it otherwise (docs/server-behaviour.md#cancel). */
export const canCancel = (state: number): boolean => isLive(state);

/** Restart works for DEAD (-1) only; anything else is 400 "not pending" (docs/server-behaviour.md#restart). */
export const canRestart = (state: number): boolean => state === -1;

/** The web UI offers delete for finished and dead jobs (state > 3 or -1, 3.9). */
export const canDelete = (state: number): boolean => state > 3 || state === -1;

export const stateGroups: ReadonlyArray<{ id: 'all' | StateGroup; label: string }> = [
  { id: 'all', label: 'All' },
  { id: 'live', label: 'Live' },
  { id: 'succeeded', label: 'Succeeded' },
  { id: 'failed', label: 'Failed' },
  { id: 'canceled', label: 'Canceled' },
  { id: 'retired', label: 'Retired' },
];
