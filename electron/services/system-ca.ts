// Trusts the operating system's certificate authorities as well as Node's bundled list, so the
// app works where the browser does: behind a TLS-inspecting proxy whose root certificate IT put
// in the system store, or with an institution's own authority. Node's TLS (undici and the
// downloads' client alike) otherwise trusts only its bundled Mozilla list.
// Needs tls.getCACertificates (Node 22.15+) and tls.setDefaultCACertificates (Node 22.19+,
// 24.5+): Electron's Node has them; the browser preview on an older Node does without.
import tls from 'node:tls';

export interface CaApi {
  getCACertificates?: (type?: 'default' | 'system') => string[];
  setDefaultCACertificates?: (certificates: string[]) => void;
}

export type SystemCaResult = { status: 'added'; added: number } | { status: 'unsupported' } | { status: 'failed'; reason: string };

/** Call once at start-up, before the first TLS connection (sessions made earlier keep their list). */
export function trustSystemCertificates(api: CaApi = tls as unknown as CaApi): SystemCaResult {
  if (typeof api.getCACertificates !== 'function' || typeof api.setDefaultCACertificates !== 'function') return { status: 'unsupported' };
  try {
    const current = api.getCACertificates('default');
    const known = new Set(current.map((pem) => pem.trim()));
    const extra = api.getCACertificates('system').filter((pem) => {
      const key = pem.trim();
      if (known.has(key)) return false;
      known.add(key);
      return true;
    });
    if (extra.length > 0) api.setDefaultCACertificates([...current, ...extra]);
    return { status: 'added', added: extra.length };
  } catch (error) {
    return { status: 'failed', reason: error instanceof Error ? error.message : String(error) };
  }
}
