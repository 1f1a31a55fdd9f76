// Links in server messages are often relative to the server ("/start.html#!pages/help").

/** Where a link in a server message points, made absolute against the server; null unless https. */
export function linkTarget(href: string, serverUrl: string): string | null {
  try {
    const url = new URL(href, serverUrl);
    return url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}
