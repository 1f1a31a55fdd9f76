// The Host header a loopback-only server accepts: a loopback name with its own port. Another
// name (a DNS-rebinding page, a proxy) is refused before any route runs.
export function isLoopbackHostHeader(host: string | undefined, port: number): boolean {
  if (!host) return false;
  const value = host.toLowerCase();
  return ['127.0.0.1', 'localhost', '[::1]'].some((name) => value === `${name}:${port}`);
}
