// A run as the window sees it: no paths of the user's originals, no secrets; the copies' folder
// is shown (the user is told where the copies are).
import type { QcRunView, UploadView } from '../../ipc/contract';
import type { RunRecord } from './qc-store';

export function toView(run: RunRecord, live: { serverLabel: string; rewrite: QcRunView['rewrite']; upload: UploadView | null }): QcRunView {
  const upload = live.upload;
  return {
    id: run.id,
    serverId: run.serverId,
    serverLabel: live.serverLabel,
    jobName: run.jobName,
    createdAt: run.createdAt,
    kind: run.kind,
    files: run.sources.map((file) => ({ name: file.name, size: file.size })),
    phase: run.phase,
    rewrite: live.rewrite,
    upload: upload
      ? { id: upload.id, state: upload.state, bytesSent: upload.bytesSent, totalBytes: upload.totalBytes, rate: upload.rate, etaSeconds: upload.etaSeconds }
      : null,
    checkJob: run.checkJobId ? { jobId: run.checkJobId, state: run.checkJobState ?? 1 } : null,
    report: run.report,
    impute: run.impute ? { options: run.impute.options, jobId: run.impute.jobId, changes: run.impute.changes } : null,
    copies: run.copies.map((copies) => ({
      purpose: copies.purpose,
      folder: copies.folder,
      files: copies.files.length,
      bytes: copies.files.reduce((sum, file) => sum + file.size, 0),
      changeLog: copies.changeLog,
      deleted: copies.deleted,
    })),
    keepCopies: run.keepCopies,
    notice: run.notice,
    error: run.error,
  };
}
