// What was done to an input file before it was uploaded (a fix or a slim copy made by the app),
// as a small JSON file next to that input: `<input>.preparation.json`. Whoever writes a rewritten
// input writes this file beside it; the submission record reads it at submit time and the methods
// record lists it. A missing file means "uploaded as chosen"; a broken one is reported, not fatal.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { MethodsRecord } from '../../ipc/contract';

export const PREPARATION_SUFFIX = '.preparation.json';
export const PREPARATION_SCHEMA = 'imputation-desktop/preparation@1';

export const preparationFile = z.object({
  schema: z.literal(PREPARATION_SCHEMA),
  steps: z
    .array(
      z.object({
        /** 'fix' (e.g. a chr prefix added, sorted, split), 'slim' (fields dropped), or another word. */
        kind: z.string().min(1).max(40),
        /** One sentence a methods section can use: "Added the chr prefix to chromosome names." */
        description: z.string().min(1).max(1000),
        /** The file this one was made from. */
        source: z.object({ name: z.string(), sha256: z.string().nullable() }).nullable().default(null),
        /** The equivalent command, if there is one. */
        command: z.string().max(4000).nullable().default(null),
        tool: z.string().max(200).nullable().default(null),
        createdAt: z.string().nullable().default(null),
      }),
    )
    .min(1),
});
export type PreparationFile = z.input<typeof preparationFile>;

export const preparationPath = (input: string): string => `${input}${PREPARATION_SUFFIX}`;

/** Writes the record for a rewritten input (for the rewrite feature; one call per output file). */
export async function writePreparationRecord(input: string, record: PreparationFile): Promise<void> {
  await writeFile(preparationPath(input), JSON.stringify(preparationFile.parse(record), null, 2) + '\n');
}

/** The steps recorded for one input, or [] (with a problem when the file exists but cannot be read). */
export async function readPreparation(input: string): Promise<{ steps: MethodsRecord['preparation']; problem: string | null }> {
  let text: string;
  try {
    text = await readFile(preparationPath(input), 'utf8');
  } catch {
    return { steps: [], problem: null };
  }
  try {
    const parsed = preparationFile.parse(JSON.parse(text));
    return { steps: parsed.steps.map((step) => ({ ...step, output: path.basename(input) })), problem: null };
  } catch (error) {
    return { steps: [], problem: `${path.basename(preparationPath(input))} could not be read: ${(error as Error).message.split('\n')[0]}` };
  }
}
