// commons-io FileUtils.byteCountToDisplaySize: integer division, so it rounds down
// ("1 GB" for 1.9 GB), as the server shows file sizes (docs/server-behaviour.md#output-files).
const UNITS: Array<[string, bigint]> = [
  ['EB', 1n << 60n],
  ['PB', 1n << 50n],
  ['TB', 1n << 40n],
  ['GB', 1n << 30n],
  ['MB', 1n << 20n],
  ['KB', 1n << 10n],
];

export function humanSize(bytes: number): string {
  const size = BigInt(Math.max(0, Math.floor(bytes)));
  for (const [unit, factor] of UNITS) {
    if (size / factor > 0n) return `${size / factor} ${unit}`;
  }
  return `${size} bytes`;
}
