// Sizes shown to the user: one convention for the whole app (electron/shared/format-bytes.ts).
export { formatBytes } from '../../../electron/shared/format-bytes';
