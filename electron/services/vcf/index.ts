// Public interface of the VCF rules module: the pre-flight check and the emulator's input
// validation both use it, so the demo server and the app cannot disagree.
export type {
  ServerFlavour,
  ValidationLimits,
  SubmitOptions,
  ChunkStat,
  VcfFileSummary,
  ScanOptions,
  StepMessage,
  StepOutcome,
  Finding,
  DetectedFormat,
} from './types';
export { limitsFor } from './limits';
export { scanVcfFile } from './scanner';
export { validateInput, chunkQualityControl, chunkQcLines, evaluateValidation, isValidChromosome } from './rules';
export type { RuleFailure, ChunkQcResult, ValidationResult } from './rules';
export { adviceFor } from './fixes';
export { PreflightChecker } from './preflight';
export type { PreflightReport, PreflightFileResult, PreflightOptions } from './preflight';
export { workerScriptPath, setVcfWorkerScript } from './worker-path';
export { ScanWorkerPool, sharedPool } from './worker-pool';
export { compressBgzf, BGZF_EOF } from './bgzf';
