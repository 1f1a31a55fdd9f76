// Hash routes (#/jobs, #/new, #/downloads, #/servers): survive a reload, work under app:// and http://.
export const routes = [
  { id: 'jobs', label: 'Jobs', shortcut: '1' },
  { id: 'new', label: 'New job', shortcut: '2' },
  { id: 'downloads', label: 'Downloads', shortcut: '3' },
  { id: 'servers', label: 'Servers', shortcut: '4' },
] as const;
export type RouteId = (typeof routes)[number]['id'];

/** `#/jobs/<serverId>/<jobId>` gives route 'jobs' and param '<serverId>/<jobId>'. */
function parse(hash: string): { route: RouteId; param: string | null } {
  const [, first, ...rest] = hash.replace(/^#/, '').split('/');
  const route = routes.find((candidate) => candidate.id === first)?.id ?? 'jobs';
  const param = rest
    .filter((segment) => segment !== '')
    .map(decodeURIComponent)
    .join('/');
  return { route, param: param === '' ? null : param };
}

class Router {
  current = $state(parse(window.location.hash));

  constructor() {
    window.addEventListener('hashchange', () => {
      this.current = parse(window.location.hash);
    });
  }

  go(route: RouteId, param?: string): void {
    window.location.hash = param ? `/${route}/${param.split('/').map(encodeURIComponent).join('/')}` : `/${route}`;
  }
}

export const router = new Router();
