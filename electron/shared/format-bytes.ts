// One way to show sizes everywhere: decimal units (1 GB = 1,000,000,000 bytes), as operating
// systems' file managers and the servers' documentation write them. Pure: main and the window.
const UNITS = ['kB', 'MB', 'GB', 'TB', 'PB'];

/** "760 bytes", "12.3 kB", "314 MB", "1.9 GB": three significant digits from 10 kB up. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '–';
  if (bytes < 1000) return `${Math.round(bytes)} ${Math.round(bytes) === 1 ? 'byte' : 'bytes'}`;
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 999.95 && unit < UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${value >= 100 ? Math.round(value) : value.toFixed(1)} ${UNITS[unit]}`;
}

/** Transfer rates in the same units: "45.2 MB/s", "1.50 MB/s", "20.5 kB/s" below 1 MB/s. */
export function formatRate(bytesPerSecond: number): string {
  if (!Number.isFinite(bytesPerSecond) || bytesPerSecond <= 0) return '–';
  if (bytesPerSecond < 1e6) return `${formatBytes(bytesPerSecond)}/s`;
  const mb = bytesPerSecond / 1e6;
  return `${mb >= 100 ? Math.round(mb) : mb >= 10 ? mb.toFixed(1) : mb.toFixed(2)} MB/s`;
}
