// The Cloudgene 3 API client: one import for the rest of main.
export { CloudgeneClient, type CallOptions, type CloudgeneClientOptions, type SubmitTarget, type TokenSource } from './client';
export {
  CLOUDGENE_ERROR_CODES,
  CloudgeneError,
  isCloudgeneError,
  isCloudgeneErrorCode,
  userMessage,
  type CloudgeneErrorCode,
  type CloudgeneErrorData,
} from './errors';
export {
  createDispatcher,
  JSON_TIMEOUTS,
  proxyConfigured,
  proxyUrlFromPac,
  STREAMING_TIMEOUTS,
  userAgent,
  type DispatcherOptions,
  type Timeouts,
} from './http';
export type {
  AppDefinition,
  AppOption,
  AppParam,
  Counters,
  Job,
  JobPage,
  JobStep,
  LogMessage,
  MessageAnswer,
  OutputParam,
  Profile,
  ResultFile,
  ServerApp,
  ServerInfo,
  ServerUser,
  SubmitAnswer,
  TokenVerification,
} from './schemas';
