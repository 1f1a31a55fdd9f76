// Test-only fault injection (enabled with `faults: true`). `path` matches by prefix of the URL path.
export type Fault =
  | { kind: 'drop-upload'; afterBytes: number; path?: string; times?: number }
  | { kind: 'drop-download'; afterBytes: number; path?: string; times?: number }
  | { kind: 'delay'; ms: number; path?: string; times?: number }
  | { kind: 'http-error'; status: 500 | 502; html?: boolean; path?: string; times?: number }
  | { kind: 'malformed-json'; path?: string; times?: number }
  /** Closes the connection without any answer (a proxy or network failure). */
  | { kind: 'drop-connection'; path?: string; times?: number };

type FaultKind = Fault['kind'];

const KINDS: FaultKind[] = ['drop-upload', 'drop-download', 'delay', 'http-error', 'malformed-json', 'drop-connection'];

export function parseFault(input: unknown): Fault {
  const f = input as Record<string, unknown> | null;
  if (!f || typeof f !== 'object' || !KINDS.includes(f.kind as FaultKind)) throw new Error(`unknown fault kind: ${String(f?.kind)}`);
  const num = (key: string): number => {
    const v = f[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new Error(`fault ${String(f.kind)} needs a number ${key}`);
    return v;
  };
  const common = {
    ...(typeof f.path === 'string' ? { path: f.path } : {}),
    ...(typeof f.times === 'number' ? { times: f.times } : {}),
  };
  switch (f.kind as FaultKind) {
    case 'drop-upload':
      return { kind: 'drop-upload', afterBytes: num('afterBytes'), ...common };
    case 'drop-download':
      return { kind: 'drop-download', afterBytes: num('afterBytes'), ...common };
    case 'delay':
      return { kind: 'delay', ms: num('ms'), ...common };
    case 'http-error': {
      const status = f.status === 502 ? 502 : 500;
      return { kind: 'http-error', status, html: f.html !== false, ...common };
    }
    case 'drop-connection':
      return { kind: 'drop-connection', ...common };
    default:
      return { kind: 'malformed-json', ...common };
  }
}

export class FaultRegistry {
  private faults: Fault[] = [];

  set(fault: Fault): void {
    this.faults.push({ ...fault });
  }

  clear(): void {
    this.faults = [];
  }

  list(): Fault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  /** Takes (and counts down) the first fault of `kind` matching `path`. */
  take<K extends FaultKind>(kind: K, path: string): Extract<Fault, { kind: K }> | null {
    const index = this.faults.findIndex((f) => f.kind === kind && (f.path === undefined || path.startsWith(f.path)));
    if (index < 0) return null;
    const fault = this.faults[index];
    if (fault.times !== undefined) {
      fault.times -= 1;
      if (fault.times <= 0) this.faults.splice(index, 1);
    }
    return fault as Extract<Fault, { kind: K }>;
  }
}

export function errorPage(status: 500 | 502): string {
  const title = status === 502 ? '502 Bad Gateway' : '500 Internal Server Error';
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
}
