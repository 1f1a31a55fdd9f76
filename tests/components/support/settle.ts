import { tick } from 'svelte';

/** Lets main's answers (chains of resolved promises) arrive and Svelte draw what they changed. */
export async function settle(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  await tick();
}
