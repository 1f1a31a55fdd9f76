// Pure: main and the window read the labels the same way.
import { formatBytes } from './format-bytes';
// The API gives no byte sizes, only commons-io's rounded-down labels ("760 bytes", "12 KB",
// "314 MB", "1 GB" for 1.9 GB; docs/server-behaviour.md#output-files). These are the bounds such a label allows.

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

/** The sum of the lower bounds of several labels; null when no label could be read. */
export function sumOfLabels(labels: readonly (string | null | undefined)[]): number | null {
  let total = 0;
  let known = false;
  for (const label of labels) {
    const bounds = parseSizeLabel(label);
    if (bounds) {
      total += bounds.min;
      known = true;
    }
  }
  return known ? total : null;
}

/**
 * A server label in the app's own units: "124 KB" (124 KiB to 125 KiB) is "127 kB"; a label that
 * stands for a wide range says so: "1 GB" (rounded down from up to 1.99 GiB) is "1.1–2.1 GB".
 */
export function sizeLabelText(label: string | null | undefined): string {
  const bounds = parseSizeLabel(label);
  if (!bounds) return label ?? '–';
  if (bounds.max - bounds.min <= bounds.min * 0.05) return formatBytes(bounds.min);
  const [low, high] = [formatBytes(bounds.min), formatBytes(bounds.max)];
  const unit = (text: string) => text.split(' ')[1];
  return unit(low) === unit(high) ? `${low.split(' ')[0]}–${high}` : `${low}–${high}`;
}
