// Schemas of the Cloudgene 3 answers (docs/server-behaviour.md#token-endpoints, #job-endpoints, #the-job-json, #submit-answers). Lenient where the real
// servers vary (extra fields are dropped, nulls tolerated), strict on the fields we rely on.
import { z } from 'zod';

const text = z
  .string()
  .nullish()
  .transform((v) => v ?? null);
const textOrEmpty = z
  .string()
  .nullish()
  .transform((v) => v ?? '');
/** Epoch milliseconds; unset start/end are 0 and unset deletedOn is -1 (docs/server-behaviour.md#conventions). */
const epochMs = (unset: number) =>
  z
    .number()
    .nullish()
    .transform((v) => v ?? unset);
const scalarText = z
  .union([z.string(), z.number(), z.boolean()])
  .nullish()
  .transform((v) => (v === null || v === undefined ? null : String(v)));

// ---- GET /api/v2/server (docs/server-behaviour.md#server-info) ----

const serverUserSchema = z.object({
  username: z.string(),
  mail: text,
  admin: z
    .boolean()
    .nullish()
    .transform((v) => v ?? false),
  name: text, // upstream
  fullName: text, // TOPMed
});

const serverAppSchema = z.object({ id: z.string(), name: textOrEmpty, version: textOrEmpty });

export const serverInfoSchema = z
  .object({
    name: textOrEmpty,
    // Upstream misspells both keys ("maintenace"); TOPMed spells them right (docs/server-behaviour.md#server-info).
    maintenace: z.boolean().nullish(),
    maintenance: z.boolean().nullish(),
    maintenaceMessage: text,
    maintenanceMessage: text,
    user: serverUserSchema.nullish(),
    apps: z
      .array(serverAppSchema)
      .nullish()
      .transform((v) => v ?? []),
    loggedIn: z.boolean().nullish(),
  })
  .transform((raw) => ({
    name: raw.name,
    maintenance: Boolean(raw.maintenance ?? raw.maintenace ?? false),
    maintenanceMessage: raw.maintenanceMessage ?? raw.maintenaceMessage ?? null,
    user: raw.user
      ? {
          username: raw.user.username,
          fullName: raw.user.fullName ?? raw.user.name ?? '',
          mail: raw.user.mail ?? '',
          admin: raw.user.admin,
        }
      : null,
    apps: raw.apps,
    loggedIn: raw.loggedIn ?? Boolean(raw.user),
  }));
export type ServerInfo = z.output<typeof serverInfoSchema>;
export type ServerUser = NonNullable<ServerInfo['user']>;
export type ServerApp = ServerInfo['apps'][number];

// ---- GET /api/v2/server/counters (docs/server-behaviour.md#counters) ----

export const countersSchema = z
  .object({
    complete: z.record(z.string(), z.number().nullish()).nullish(),
    queue: z.object({ size: z.number().nullish() }).nullish(),
    users: z.number().nullish(),
  })
  .transform((raw) => ({
    complete: Object.fromEntries(Object.entries(raw.complete ?? {}).map(([k, v]) => [k, v ?? null])) as Record<string, number | null>,
    queueSize: raw.queue?.size ?? null,
    users: raw.users ?? null,
  }));
export type Counters = z.output<typeof countersSchema>;

// ---- GET /api/v2/server/apps/{id} (docs/server-behaviour.md#app-form) ----

const optionSchema = z.object({
  key: z.string(),
  value: scalarText,
  label: text,
  enabled: z
    .boolean()
    .nullish()
    .transform((v) => v ?? false),
});
/** A `binded_list` group holds the populations of one panel in `values`. */
const optionWithGroupSchema = optionSchema.extend({
  values: z
    .array(optionSchema)
    .nullish()
    .transform((v) => v ?? null),
});
export type AppOption = z.output<typeof optionWithGroupSchema>;

const appParamSchema = z.object({
  id: z.string(),
  type: z.string(),
  description: text,
  value: scalarText.transform((v) => v ?? ''),
  visible: z
    .boolean()
    .nullish()
    .transform((v) => v ?? true),
  required: z
    .boolean()
    .nullish()
    .transform((v) => v ?? true),
  adminOnly: z
    .boolean()
    .nullish()
    .transform((v) => v ?? false),
  details: text,
  source: text,
  bind: text,
  pattern: text,
  accept: text,
  help: text,
  values: z
    .array(optionWithGroupSchema)
    .nullish()
    .transform((v) => v ?? []),
});
export type AppParam = z.output<typeof appParamSchema>;

export const appDefinitionSchema = z.object({
  id: z.string(),
  name: textOrEmpty,
  version: textOrEmpty,
  description: text,
  website: text,
  submitButton: text,
  s3Workspace: z
    .boolean()
    .nullish()
    .transform((v) => v ?? false),
  params: z.array(appParamSchema),
});
export type AppDefinition = z.output<typeof appDefinitionSchema>;

// ---- Job JSON (4) ----

const logMessageSchema = z.object({
  message: textOrEmpty,
  /** 0 ok, 1 error, 2 warning, 3 running (docs/server-behaviour.md#steps-and-messages). */
  type: z.number().int(),
  time: epochMs(0),
});
export type LogMessage = z.output<typeof logMessageSchema>;

const stepSchema = z.object({
  id: z
    .number()
    .nullish()
    .transform((v) => v ?? 0),
  name: textOrEmpty,
  logMessages: z
    .array(logMessageSchema)
    .nullish()
    .transform((v) => v ?? []),
});
export type JobStep = z.output<typeof stepSchema>;

const resultFileSchema = z.object({
  /** Relative to the output folder; may contain '/' (docs/server-behaviour.md#output-files). */
  name: z.string(),
  hash: z.string(),
  /** Remaining downloads; -1 = unlimited. */
  count: z
    .number()
    .nullish()
    .transform((v) => v ?? null),
  /** A rounded human string such as "314 MB"; there are no byte counts in the API. */
  size: scalarText,
  path: text,
});
export type ResultFile = z.output<typeof resultFileSchema>;

const outputParamSchema = z.object({
  id: z
    .number()
    .nullish()
    .transform((v) => v ?? 0),
  name: textOrEmpty,
  description: text,
  hash: text,
  download: z
    .boolean()
    .nullish()
    .transform((v) => v ?? true),
  files: z
    .array(resultFileSchema)
    .nullish()
    .transform((v) => v ?? []),
});
export type OutputParam = z.output<typeof outputParamSchema>;

export const jobSchema = z.object({
  id: z.string(),
  name: textOrEmpty,
  application: textOrEmpty,
  applicationId: textOrEmpty,
  /** -1 dead, 1 waiting, 2 running, 3 exporting, 4 success, 5 failed, 6 canceled, 7 retired,
   *  8/9 success/failed with retirement notice, 10 deleted (docs/server-behaviour.md#job-states). */
  state: z.number().int(),
  positionInQueue: z
    .number()
    .int()
    .nullish()
    .transform((v) => v ?? -1),
  submittedOn: epochMs(0),
  startTime: epochMs(0),
  endTime: epochMs(0),
  deletedOn: epochMs(-1),
  currentTime: z
    .number()
    .nullish()
    .transform((v) => v ?? null),
  userAgent: text,
  username: text,
  steps: z
    .array(stepSchema)
    .nullish()
    .transform((v) => v ?? []),
  outputParams: z
    .array(outputParamSchema)
    .nullish()
    .transform((v) => v ?? []),
});
export type Job = z.output<typeof jobSchema>;

// ---- GET /api/v2/jobs (docs/server-behaviour.md#job-list) ----

export const jobPageSchema = z.object({
  count: z.number().int(),
  page: z
    .number()
    .int()
    .nullish()
    .transform((v) => v ?? 0),
  pageSize: z
    .number()
    .int()
    .nullish()
    .transform((v) => v ?? 0),
  prev: z
    .number()
    .int()
    .nullish()
    .transform((v) => v ?? null),
  next: z
    .number()
    .int()
    .nullish()
    .transform((v) => v ?? null),
  pages: z
    .array(z.number().int())
    .nullish()
    .transform((v) => v ?? []),
  data: z.array(jobSchema),
});
export type JobPage = z.output<typeof jobPageSchema>;

// ---- Message answers: restart (docs/server-behaviour.md#restart), submit (docs/server-behaviour.md#submit-answers) ----

export const messageAnswerSchema = z.object({
  success: z.boolean(),
  message: textOrEmpty,
});
export type MessageAnswer = z.output<typeof messageAnswerSchema>;

export const submitAnswerSchema = z.object({
  success: z.boolean(),
  message: textOrEmpty,
  id: z
    .string()
    .nullish()
    .transform((v) => v ?? null),
});
export type SubmitAnswer = z.output<typeof submitAnswerSchema>;

// ---- POST /api/v2/tokens/verify (docs/server-behaviour.md#token-endpoints) ----

export const tokenVerificationSchema = z
  .object({
    valid: z.boolean(),
    message: textOrEmpty,
    username: text,
    name: text,
    mail: text,
    /** ISO-8601; when the token is invalid the server puts "now" here. */
    expire: text,
  })
  .transform((raw) => ({
    valid: raw.valid,
    message: raw.message,
    username: raw.username,
    fullName: raw.name,
    mail: raw.mail,
    expiresAt: raw.valid ? raw.expire : null,
  }));
export type TokenVerification = z.output<typeof tokenVerificationSchema>;

// ---- GET /api/v2/users/{u}/profile (2.4; upstream and TOPMed bodies differ) ----

export const profileSchema = z
  .object({
    username: z.string(),
    fullName: text,
    mail: text,
    admin: z.boolean().nullish(),
    role: text,
    hasApiToken: z.boolean().nullish(),
    apiTokenValid: z.boolean().nullish(),
    apiTokenMessage: text, // upstream: "... is valid until Thu Jun 18 09:15:00 UTC 2026."
    apiTokenExpiresOn: text, // TOPMed: ISO instant
  })
  .transform((raw) => ({
    username: raw.username,
    fullName: raw.fullName ?? '',
    mail: raw.mail ?? '',
    admin: raw.admin ?? false,
    hasApiToken: raw.hasApiToken ?? false,
    apiTokenValid: raw.apiTokenValid ?? false,
    apiTokenMessage: raw.apiTokenMessage,
    apiTokenExpiresAt: raw.apiTokenExpiresOn ?? expiryFromTokenMessage(raw.apiTokenMessage),
  }));
export type Profile = z.output<typeof profileSchema>;

/** Upstream only states the expiry inside a sentence, in Java's Date.toString() form. */
function expiryFromTokenMessage(message: string | null): string | null {
  const match = message ? /valid until (.+?)\.?$/.exec(message) : null;
  if (!match?.[1]) return null;
  // "Thu Jun 18 09:15:00 UTC 2026" -> "Thu Jun 18 2026 09:15:00 UTC", which Date parses.
  const parts = /^(\w{3}) (\w{3}) (\d{1,2}) (\d{2}:\d{2}:\d{2}) (\S+) (\d{4})$/.exec(match[1].trim());
  const candidate = parts ? `${parts[1]} ${parts[2]} ${parts[3]} ${parts[6]} ${parts[4]} ${parts[5]}` : match[1];
  const time = Date.parse(candidate);
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}
