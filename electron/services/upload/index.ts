// The streaming multipart upload engine (the queue, IPC and UI live elsewhere).
export { assertUnchanged, FileChangedError, snapshotFile, type UploadFile } from './fileSnapshot';
export { formatBytes } from './formatBytes';
export { buildMultipartBody, type MultipartBody, type MultipartField, type MultipartHooks, type MultipartOptions } from './multipart';
export { ProgressMeter, type FileProgress, type UploadProgress } from './progress';
export { submitJob, type SubmitJobOptions, type SubmitResult } from './submit';
