// The detail route: #/jobs/<serverId>/<jobId> gives the param "<serverId>/<jobId>".
export interface JobRef {
  serverId: string;
  jobId: string;
}

/** Job ids never contain "/" (job-YYYYMMDD-HHMMSS-mmm), so the last "/" splits the param. */
export function parseJobParam(param: string | null): JobRef | null {
  if (!param) return null;
  const cut = param.lastIndexOf('/');
  if (cut <= 0 || cut === param.length - 1) return null;
  return { serverId: param.slice(0, cut), jobId: param.slice(cut + 1) };
}

export const jobParam = (ref: JobRef): string => `${ref.serverId}/${ref.jobId}`;
