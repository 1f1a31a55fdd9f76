// Turns what a user pastes into a server base URL, or says clearly why not.
import { AppError, type ServerKind } from '../../ipc/contract';

export const presetServers: Record<'topmed' | 'michigan', { label: string; url: string }> = {
  topmed: { label: 'TOPMed Imputation Server', url: 'https://imputation.biodatacatalyst.nhlbi.nih.gov' },
  michigan: { label: 'Michigan Imputation Server 2', url: 'https://imputationserver.sph.umich.edu' },
};

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * https only, except for a server on this computer. Users paste what their browser shows, e.g.
 * `https://host/index.html#!pages/jobs`: the page name, the fragment and the query are dropped;
 * a context path (`https://host/imputation`) is kept (docs/server-behaviour.md#conventions).
 */
export function parseServerUrl(raw: string): string {
  const text = raw.trim();
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`);
  } catch {
    throw new AppError(
      'invalid-url',
      'That is not a web address. Paste the address you open the server with, for example https://imputationserver.sph.umich.edu.',
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new AppError('invalid-url', `Use an https:// address (not ${url.protocol}).`);
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new AppError(
      'invalid-url',
      'Use an https:// address: the token would travel unencrypted over http. Plain http is accepted only for a server on this computer.',
    );
  }
  if (url.username || url.password) throw new AppError('invalid-url', 'Leave the user name and password out of the address.');
  const path = url.pathname.replace(/\/index\.html$/i, '').replace(/\/+$/, '');
  return `${url.protocol}//${url.host}${path}`;
}

export function defaultLabel(kind: ServerKind, url: string): string {
  if (kind === 'topmed' || kind === 'michigan') return presetServers[kind].label;
  if (kind === 'demo') return 'Demo server';
  return new URL(url).host;
}

// The presets' names as users know them: a custom server must not pose as one of them.
const PRESET_NAMES = [
  'TOPMed Imputation Server',
  'Michigan Imputation Server',
  'Michigan Imputation Server 2',
  ...Object.values(presetServers).map((p) => p.label),
];

/** Compares names as a reader sees them: width, case, invisible characters and spacing do not count. */
function comparable(label: string): string {
  return label
    .normalize('NFKC')
    .replace(/\p{Cf}/gu, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

/** Why a custom server cannot have this label, or null. */
export function customLabelProblem(label: string): string | null {
  const wanted = comparable(label);
  const preset = PRESET_NAMES.find((name) => comparable(name) === wanted);
  return preset ? `"${preset}" is the name of a built-in server. Give this server another name, for example its address.` : null;
}
