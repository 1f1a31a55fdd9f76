// A finding's fix is either advice in words or words followed by a shell command
// (electron/services/vcf/fixes.ts). The command part is shown in a monospace block with a copy button.

const TOOLS = ['bcftools', 'bgzip', 'tabix', 'gzip', 'zcat', 'plink2', 'plink', 'for', 'sed', 'awk', 'gunzip'];
const startsWithTool = (text: string): boolean => TOOLS.some((tool) => text.startsWith(`${tool} `));
/** A command has options, a pipe or a redirection; "bcftools merge with another cohort" is words. */
const looksLikeCommand = (text: string): boolean => startsWithTool(text) && /\s-{1,2}\w|\||>|\$\(/.test(text);

/** "(e.g. <command>)." — the closing parenthesis belongs to the words, not to the command. */
function withoutClosingParen(command: string): string {
  const opens = command.split('(').length;
  const closes = command.split(')').length;
  return closes > opens ? command.replace(/\)\.?$/, '') : command;
}

export interface FixParts {
  /** Words before the command ('' when the fix is a bare command). */
  advice: string;
  /** The command to copy, or null when the fix is advice only. */
  command: string | null;
}

export function splitFix(fix: string): FixParts {
  const text = fix.trim();
  if (looksLikeCommand(text)) return { advice: '', command: text };
  // The command follows "e.g. " or a colon; the last such start wins ("Combine them: a or b, e.g. <command>").
  const starts = [...text.matchAll(/(?:e\.g\.\s+|:\s+)/g)].map((match) => match.index + match[0].length).reverse();
  for (const start of starts) {
    const candidate = text.slice(start);
    if (looksLikeCommand(candidate)) {
      return {
        advice: text
          .slice(0, start)
          .trim()
          .replace(/\s*\(\s*e\.g\.$/, ', e.g.'),
        command: withoutClosingParen(candidate),
      };
    }
  }
  return { advice: text, command: null };
}
