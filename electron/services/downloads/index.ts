// The download engine for result files: what the rest of main uses.
export { DownloadManager, type DownloadManagerOptions } from './manager';
export { runTransfer, partPathOf, type ResumeInfo, type TransferOptions, type TransferResult } from './transfer';
export { extractZip, type ExtractOptions, type ExtractProgress, type ExtractResult } from './extract';
export { resolveResultPath, defaultJobFolder, sanitizeSegment, type SafePathResult } from './safe-path';
export { resultFilesOfJob, type JobOutputsLike } from './job-files';
export { parseSizeLabel, formatBytes } from './size-label';
export { DownloadError, isDownloadError, DOWNLOAD_ERROR_CODES, type DownloadErrorCode, type DownloadErrorData } from './errors';
export type * from './types';
export { FINAL_STATES } from './types';
