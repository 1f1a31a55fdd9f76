// Server step messages are HTML (docs/server-behaviour.md#steps-and-messages): the component renders their <b> as
// emphasis (sanitized), never as literal "<b>" text, in every branch it has. The component is
// compiled on the fly and mounted in a blank page, so no app or server is needed.
import { expect, test } from '@playwright/test';
import { build, type Plugin } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { compile } from 'svelte/compiler';

const root = fileURLToPath(new URL('../..', import.meta.url));

const svelteFiles: Plugin = {
  name: 'svelte',
  setup(b) {
    b.onLoad({ filter: /\.svelte$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const { js } = compile(source, { filename: args.path, css: 'injected', generate: 'client' });
      return { contents: js.code, loader: 'js', resolveDir: fileURLToPath(new URL('.', `file://${args.path}`)) };
    });
  },
};

test('step messages render <b> as emphasis in the plain, summary and QC error branches', async ({ page }) => {
  const bundle = await build({
    stdin: {
      contents: `import { mount } from 'svelte';
        import StepMessage from './renderer/src/components/jobs/StepMessage.svelte';
        window.renderMessage = (message, summaryShown) => {
          const target = document.createElement('ul');
          document.body.append(target);
          mount(StepMessage, { target, props: { message, summaryShown, onLink: () => {} } });
          return target;
        };`,
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    conditions: ['svelte', 'browser'],
    plugins: [svelteFiles],
    write: false,
  });
  await page.setContent('<!doctype html><html><body></body></html>');
  await page.addScriptTag({ content: bundle.outputFiles[0]!.text });
  const render = (message: { type: number; html: string }, summaryShown = false) =>
    page.evaluate(
      ([m, shown]) => {
        const list = (window as unknown as { renderMessage: (m: unknown, s: boolean) => HTMLElement }).renderMessage(m, shown as boolean);
        return { text: list.textContent ?? '', bold: Array.from(list.querySelectorAll('b'), (b) => b.textContent), html: list.innerHTML };
      },
      [message, summaryShown] as const,
    );

  // the QC group of a failed job (docs/server-behaviour.md#qc-messages)
  const qc = await render({
    type: 1,
    html: 'Excluded sites in total: 131\nRemaining sites in total: 1,209\nSee snps-excluded.txt for details\n<br><b>Error:</b> More than 100 allele switches have been detected. Imputation cannot be started!',
  });
  expect(qc.bold).toEqual(['Error:']);
  expect(qc.text).not.toContain('<b>');
  expect(qc.text).toContain('Error: More than 100 allele switches');

  const warning = await render({ type: 2, html: '<b>Warning:</b> 1 Chunk(s) excluded: &lt; 20 SNPs (see chunks-excluded.txt for details).' });
  expect(warning.bold).toEqual(['Warning:']);
  expect(warning.text).toContain('1 Chunk(s) excluded: < 20 SNPs');

  // the validation summary shown as its first line only, when the page lists its facts elsewhere
  const summary = await render({ type: 0, html: '<b>1</b> valid VCF file(s) found.\nSamples: 51\nChromosomes: 20' }, true);
  expect(summary.bold).toEqual(['1']);
  expect(summary.text).not.toContain('<b>');
  expect(summary.text).toContain('1 valid VCF file(s) found. Details under Input.');
  expect(summary.text).not.toContain('Samples');

  // the password line keeps its HTML around the hidden password
  const password = await render({
    type: 0,
    html: 'Data have been exported successfully. We encrypted the results with the following password: <b>Pa55-word!</b>',
  });
  expect(password.text).not.toContain('<b>');
  expect(password.text).not.toContain('Pa55-word!');

  // scripts stay out whatever the branch
  const hostile = await render({ type: 0, html: '<b onclick="x()">ok</b><img src=x onerror="alert(1)">\nSamples: 1' }, true);
  expect(hostile.html).not.toMatch(/onclick|onerror|<img/);
});
