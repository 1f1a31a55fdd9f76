// Which links may leave the app for the system browser: https only, hosts on an allowlist,
// parsed with new URL() (never string prefix checks, which `https://host.evil` would pass).
export const defaultExternalHosts: readonly string[] = [
  'imputation.biodatacatalyst.nhlbi.nih.gov',
  'imputationserver.sph.umich.edu',
  'topmedimpute.readthedocs.io',
  'imputationserver.readthedocs.io',
  'genepi.github.io',
  'samtools.github.io',
];

export function isAllowedExternalUrl(raw: string, extraHosts: readonly string[] = []): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (url.protocol !== 'https:') return false;
  if (url.username !== '' || url.password !== '') return false;
  const host = url.hostname.toLowerCase();
  return defaultExternalHosts.includes(host) || extraHosts.some((allowed) => allowed.toLowerCase() === host);
}
