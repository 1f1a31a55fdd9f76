// A clock that ticks once a minute, for countdowns (token expiry, result retirement).
class Now {
  value = $state(Date.now());

  constructor() {
    setInterval(() => {
      this.value = Date.now();
    }, 60_000);
  }
}

export const now = new Now();

/** "in 3 days", "in 5 hours", "2 days ago": coarse, as people say it. */
export function relativeTime(target: number, from: number): string {
  const diff = target - from;
  const minutes = Math.round(Math.abs(diff) / 60_000);
  const hours = Math.round(minutes / 60);
  const days = Math.round(hours / 24);
  const amount = minutes < 60 ? `${minutes} minute${minutes === 1 ? '' : 's'}` : hours < 48 ? `${hours} hours` : `${days} days`;
  return diff >= 0 ? `in ${amount}` : `${amount} ago`;
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function formatDate(epochMs: number): string {
  return dateFormat.format(epochMs);
}
