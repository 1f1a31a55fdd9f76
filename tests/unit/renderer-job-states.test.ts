import { describe, expect, it } from 'vitest';
import { canCancel, canDelete, canRestart, isLive, stateInfo, stateGroups } from '../../renderer/src/lib/jobs/job-states';

describe('job state labels (docs/server-behaviour.md#job-states)', () => {
  it('gives every state a clear label, a tone and a filter group', () => {
    const table = [-1, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((state) => {
      const info = stateInfo(state);
      return [state, info.label, info.tone, info.group];
    });
    expect(table).toEqual([
      [-1, 'Interrupted (can be restarted)', 'attention', 'failed'],
      [1, 'Waiting', 'live', 'live'],
      [2, 'Running', 'live', 'live'],
      [3, 'Exporting results', 'live', 'live'],
      [4, 'Succeeded', 'success', 'succeeded'],
      [5, 'Failed', 'failure', 'failed'],
      [6, 'Canceled', 'muted', 'canceled'],
      [7, 'Retired (results deleted)', 'muted', 'retired'],
      [8, 'Succeeded', 'success', 'succeeded'],
      [9, 'Failed or canceled', 'failure', 'failed'],
    ]);
  });

  it('never uses the web page\'s "Pending" or "Error" for 8, 9 or -1', () => {
    for (const state of [-1, 8, 9]) expect(stateInfo(state).label).not.toMatch(/^(Pending|Error)$/);
  });

  it('splits a label with a note for tight places', () => {
    expect(stateInfo(-1)).toMatchObject({ short: 'Interrupted', note: 'can be restarted' });
    expect(stateInfo(7)).toMatchObject({ short: 'Retired', note: 'results deleted' });
    expect(stateInfo(2)).toMatchObject({ short: 'Running', note: null });
  });

  it('says so for a state it does not know', () => {
    expect(stateInfo(42).label).toBe('Unknown state 42');
  });

  it('offers the actions the server accepts', () => {
    const states = [-1, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    expect(states.filter(isLive)).toEqual([1, 2, 3]);
    expect(states.filter(canCancel)).toEqual([1, 2, 3]);
    expect(states.filter(canRestart)).toEqual([-1]);
    expect(states.filter(canDelete)).toEqual([-1, 4, 5, 6, 7, 8, 9]);
  });

  it('has one chip per group, with All first', () => {
    expect(stateGroups.map((group) => group.label)).toEqual(['All', 'Live', 'Succeeded', 'Failed', 'Canceled', 'Retired']);
  });
});
