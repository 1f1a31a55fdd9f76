// Uploads live in main; the window keeps a copy fed by uploads:list and uploads:changed. Events and
// the list answer can cross, so the copy keeps whichever view of an upload is further along.
import type { UploadView } from '../../../../electron/ipc/contract';

const stage: Record<UploadView['state'], number> = { queued: 0, checking: 1, uploading: 2, submitted: 3, failed: 3, canceled: 3 };

export const isActive = (upload: UploadView): boolean => stage[upload.state] < 3;

export function newer(a: UploadView, b: UploadView): UploadView {
  if (stage[a.state] !== stage[b.state]) return stage[a.state] > stage[b.state] ? a : b;
  return b.bytesSent >= a.bytesSent ? b : a;
}

/** The list with `incoming` merged in, newest first (as uploads:list orders it). */
export function mergeUploads(current: readonly UploadView[], incoming: readonly UploadView[]): UploadView[] {
  const byId = new Map(current.map((upload) => [upload.id, upload]));
  for (const upload of incoming) {
    const known = byId.get(upload.id);
    byId.set(upload.id, known ? newer(known, upload) : upload);
  }
  return [...byId.values()].sort((a, b) => b.createdAt - a.createdAt);
}
