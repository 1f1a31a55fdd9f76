/* eslint-disable @typescript-eslint/no-explicit-any -- wire JSON is inspected loosely in assertions */
import { describe, expect, it } from 'vitest';
import { call, withEmulator } from './helpers';

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
