// Shared steps of the QC service tests: a server on an emulator, cohorts from the panel model,
// a check started through the IPC handlers, and waiting for a run's phase.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { QcRunView, RequestOf } from '../../electron/ipc/contract';
import { writePanelCohort, type CohortInjections, type PanelCohort } from '../support/panel-fixtures';
import type { TestServices } from '../support/services';
import { until } from '../support/wait';

export const VALUES = { refpanel: 'apps@1000g-phase-3-v5@2.0.0', population: 'off', build: 'hg19', phasing: 'eagle', mode: 'imputation', r2Filter: '0' };

export async function runOf(services: TestServices, id: string): Promise<QcRunView> {
  const run = (await services.handlers['qc:list']({})).find((candidate) => candidate.id === id);
  if (!run) throw new Error(`run ${id} is gone`);
  return run;
}

/** Drives the watcher (and, with `advance`, the emulator's clock) until the run reaches one of `phases`. */
export function untilPhase(services: TestServices, id: string, phases: QcRunView['phase'][], advance?: () => void, timeoutMs = 60_000): Promise<QcRunView> {
  return until(
    async () => {
      advance?.();
      await services.watcher.tick();
      return runOf(services, id);
    },
    (run) => phases.includes(run.phase),
    timeoutMs,
    `phase ${phases.join(' or ')}`,
  );
}

export async function cohortFile(
  services: TestServices,
  name: string,
  inject: CohortInjections,
  options: { seed?: number; samples?: number; matches?: number } = {},
): Promise<{ cohort: PanelCohort; fileId: string; path: string }> {
  const file = path.join(services.userDataDir, 'data', name);
  await mkdir(path.dirname(file), { recursive: true });
  const cohort = await writePanelCohort(file, { samples: options.samples ?? 30, matches: options.matches ?? 600, seed: options.seed ?? 21, inject });
  const [chosen] = await services.handlers['files:register']({ paths: [file] });
  return { cohort, fileId: chosen!.id, path: file };
}

export function checkRequest(serverId: string, fileId: string, jobName: string, extra: Partial<RequestOf<'qc:start'>> = {}): RequestOf<'qc:start'> {
  return {
    serverId,
    appId: 'imputationserver2',
    fileIds: [fileId],
    values: VALUES,
    checked: { check1: true, check2: true },
    jobName,
    password: { mode: 'generate' },
    check: true,
    slim: false,
    ...extra,
  };
}
