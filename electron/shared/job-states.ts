// The job states of the Cloudgene 3 API (docs/server-behaviour.md#job-states) and the groups other
// clients get wrong (8 and 9). Pure: used by main, the emulator and the window.
export const JobState = {
  dead: -1,
  waiting: 1,
  running: 2,
  exporting: 3,
  success: 4,
  failed: 5,
  canceled: 6,
  retired: 7,
  successNotified: 8,
  failedNotified: 9,
  deleted: 10,
} as const;

/** Waiting, running or exporting: the server is still working on it. */
export const isLive = (state: number): boolean => state === 1 || state === 2 || state === 3;
export const isSuccess = (state: number): boolean => state === 4 || state === 8;
/** 9 is "failed or canceled, retirement date set". */
export const isFailure = (state: number): boolean => state === 5 || state === 9;
