/* eslint-disable @typescript-eslint/no-explicit-any -- wire JSON is inspected loosely in assertions */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { call, finished, submit, waitForJob, withEmulator, type Part } from './helpers';

describe('the demo seed', () => {
  for (const flavour of ['michigan', 'topmed'] as const) {
    it(`${flavour}: user demo with jobs in every state; finished ones have files; live ones progress`, async () => {
      await withEmulator({ seed: 'demo', flavour }, async (emu) => {
        expect(emu.username).toBe('demo');
        const server = (await call(emu, 'GET', '/api/v2/server', { token: emu.token })).json();
        expect(server.user[flavour === 'topmed' ? 'fullName' : 'name']).toBe('Demo User');
        const list = (await call(emu, 'GET', '/api/v2/jobs', { token: emu.token })).json();
        const states = new Set(list.data.map((j: any) => j.state));
        for (const s of [-1, 1, 2, 3, 4, 5, 6, 7, 8, 9]) expect(states.has(s), `state ${s}`).toBe(true);
        const success = list.data.find((j: any) => j.state === 4);
        const detail = (await call(emu, 'GET', `/api/v2/jobs/${success.id}`, { token: emu.token })).json();
        const zip = detail.outputParams[0].files.find((f: any) => f.name.endsWith('.zip'));
        expect((await call(emu, 'GET', `/share/results/${zip.hash}/${zip.name}`)).status).toBe(200);
        const waiting = list.data.find((j: any) => j.state === 1);
        expect(waiting.positionInQueue).toBe(0);
        const running = list.data.find((j: any) => j.state === 2);
        expect(running.steps.map((s: any) => s.name)).toEqual(['Input Validation', 'Quality Control', 'Phasing and Imputation', 'Summary']);
        for (let i = 0; i < 60; i++) emu.control.advanceClock(60_000);
        const later = (await call(emu, 'GET', `/api/v2/jobs/${running.id}`, { token: emu.token })).json();
        expect(later.state).not.toBe(2);
      });
    });
  }
});

describe('the demo sample files', () => {
  for (const flavour of ['michigan', 'topmed'] as const) {
    it(`${flavour}: a clean cohort passes QC; the allele-switch cohort fails on Michigan only`, async () => {
      await withEmulator({ seed: 'demo', flavour, maxJobsPerUser: 10, workers: 10 }, async (emu) => {
        await emu.ready;
        expect(emu.sampleFiles.map((f) => basename(f))).toEqual(['demo-cohort-chr20.vcf.gz', 'demo-cohort-allele-switches-chr20.vcf.gz']);
        const values =
          flavour === 'topmed'
            ? { refpanel: 'apps@topmed-r3@1.0.0', build: 'hg38', population: 'all' }
            : { refpanel: 'apps@hrc-r1.1@2.0.0', build: 'hg19', population: 'eur' };
        const outcome = async (path: string) => {
          const parts: Part[] = [
            ...Object.entries({ ...values, phasing: 'eagle', mode: 'imputation' }).map(([name, value]) => ({ name, value })),
            { name: 'files', filename: basename(path), data: await readFile(path) },
          ];
          return waitForJob(emu, (await submit(emu, parts)).json().id, finished);
        };
        const good = await outcome(emu.sampleFiles[0]);
        expect(good.state).toBe(4);
        const switches = await outcome(emu.sampleFiles[1]);
        const qc = switches.steps[1].logMessages.map((m: any) => m.message).join('\n');
        expect(qc).toContain('Allele switch: 130\nStrand flip: 12\nStrand flip and allele switch: 0\nA/T, C/G genotypes: 9\n');
        if (flavour === 'michigan') {
          expect(switches.state).toBe(5);
          expect(qc).toContain('<br><b>Error:</b> More than 100 allele switches have been detected. Imputation cannot be started!');
        } else {
          expect(switches.state).toBe(4);
        }
      });
    });
  }
});
