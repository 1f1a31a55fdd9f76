// Set-up of the component tests (jsdom): unmount after each test, and fail a test whose double of
// main saw a call it had no answer for, or a request or answer off the IPC contract.
import { cleanup } from '@testing-library/svelte';
import { afterEach, expect } from 'vitest';
import { currentFakeMain, forgetFakeMain } from './fake-main';

// jsdom does no layout, so it has no ResizeObserver; bind:clientHeight subscribes to one. Sizes
// stay what jsdom reports (0), which the components must cope with anyway.
class NoLayoutResizeObserver {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
}
globalThis.ResizeObserver ??= NoLayoutResizeObserver;
// Nothing scrolls without layout; jsdom would log "not implemented" for every call.
window.scrollTo = () => undefined;

afterEach(() => {
  cleanup();
  sessionStorage.clear();
  window.location.hash = '';
  const fake = currentFakeMain();
  forgetFakeMain();
  expect(fake?.problems ?? [], 'the double of main saw calls off the script').toEqual([]);
});
