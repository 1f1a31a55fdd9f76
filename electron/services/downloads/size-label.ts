// The API gives no byte sizes, only commons-io's rounded-down labels ("760 bytes", "12 KB",
// "314 MB", "1 GB" for 1.9 GB; cloudgene-api.md 4.5). These are the bounds such a label allows.

const UNITS: Record<string, number> = {
  byte: 1,
  bytes: 1,
  kb: 1024,
  mb: 1024 ** 2,
  gb: 1024 ** 3,
  tb: 1024 ** 4,
  pb: 1024 ** 5,
  eb: 1024 ** 6,
};

export interface SizeBounds {
  /** The smallest size the label allows. */
  min: number;
  /** The largest size the label allows. */
  max: number;
}

export function parseSizeLabel(label: string | null | undefined): SizeBounds | null {
  const match = /^\s*(\d+)\s*([a-z]+)\s*$/i.exec(label ?? '');
  if (!match) return null;
  const unit = UNITS[match[2].toLowerCase()];
  if (unit === undefined) return null;
  const count = Number(match[1]);
  return { min: count * unit, max: unit === 1 ? count : (count + 1) * unit - 1 };
}

/** Human-readable size for messages, e.g. "1.4 GB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 100 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}
