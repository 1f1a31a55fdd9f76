// Accessibility checks with axe (WCAG 2.1 A and AA), for the dedicated spec and for every state a
// spec takes a screenshot of.
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';
import path from 'node:path';
import { screenshotDir } from './fixtures';

/** One line per violated rule, naming the elements, so a failure says what to fix. */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations.map(
    (violation) =>
      `${violation.id} (${violation.impact}): ${violation.help}\n  ${violation.nodes
        .map((node) => node.target.join(' '))
        .slice(0, 5)
        .join('\n  ')}`,
  );
}

/** Saves a screenshot of the page as it is, and checks that state for accessibility too. */
export async function captureChecked(
  page: Page,
  file: string,
  options: { fullPage?: boolean; clip?: { x: number; y: number; width: number; height: number } } = {},
): Promise<void> {
  await page.screenshot({ path: path.join(screenshotDir, file), ...options });
  expect(await accessibilityViolations(page), `accessibility of the state in ${file}`).toEqual([]);
}
