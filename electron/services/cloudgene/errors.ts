// The one error taxonomy of the Cloudgene client. Pure (no imports) so the renderer can use the
// code list and the words too.

export const CLOUDGENE_ERROR_CODES = [
  'unauthorized',
  'token-revoked',
  'forbidden',
  'not-found',
  'maintenance',
  'job-limit',
  'too-large',
  'bad-request',
  'server-error',
  'network',
  'timeout',
  'invalid-response',
  'canceled',
  'file-changed',
] as const;

export type CloudgeneErrorCode = (typeof CLOUDGENE_ERROR_CODES)[number];

const USER_WORDS: Record<CloudgeneErrorCode, string> = {
  unauthorized: 'The token is invalid or has expired. Paste a new API token from your profile page.',
  'token-revoked': 'The token was revoked or replaced by a newer one. Paste the current API token from your profile page.',
  forbidden: 'The server does not allow this action for your account.',
  'not-found': 'The server could not find what was asked for. It may have been deleted.',
  maintenance: 'The server is under maintenance. Try again later.',
  'job-limit': 'You already have the most jobs the server runs at once for one user. Wait until one finishes.',
  'too-large': 'The upload is larger than the server accepts.',
  'bad-request': 'The server refused the request.',
  'server-error': 'The server had an internal error. Try again later.',
  network: 'The server could not be reached. Check your network connection and the server address.',
  timeout: 'The server did not answer in time. Try again later.',
  'invalid-response': 'The server gave an answer this app does not understand. Check the server address.',
  canceled: 'Canceled.',
  'file-changed': 'A file changed while it was being uploaded. Upload it again once it is complete.',
};

/** Words for the user; the server's own message is added where it says more than the code. */
export function userMessage(code: CloudgeneErrorCode, serverMessage?: string, detail?: string): string {
  let text = USER_WORDS[code];
  const server = serverMessage?.trim();
  if (server && serverAddsMeaning(code, server)) text += ` The server said: "${server}"`;
  if (detail) text += ` (${detail})`;
  return text;
}

// Framework messages ("Unauthorized", "Forbidden", "Not Found") repeat the code and add nothing.
function serverAddsMeaning(code: CloudgeneErrorCode, server: string): boolean {
  if (code === 'canceled' || code === 'network' || code === 'timeout') return false;
  return !/^(unauthorized|forbidden|not found|internal server error|bad request|service unavailable)\.?$/i.test(server);
}

export interface CloudgeneErrorInit {
  status?: number;
  serverMessage?: string;
  /** Extra facts for the user, e.g. "the connection was closed after 1.2 GB of 3.4 GB were sent". */
  detail?: string;
  cause?: unknown;
}

/** Plain data form for IPC (errors travel as `{ code, message }`). */
export interface CloudgeneErrorData {
  code: CloudgeneErrorCode;
  message: string;
  status?: number;
  serverMessage?: string;
  detail?: string;
}

export class CloudgeneError extends Error {
  readonly code: CloudgeneErrorCode;
  readonly status?: number;
  readonly serverMessage?: string;
  readonly detail?: string;

  constructor(code: CloudgeneErrorCode, init: CloudgeneErrorInit = {}) {
    super(userMessage(code, init.serverMessage, init.detail), init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'CloudgeneError';
    this.code = code;
    if (init.status !== undefined) this.status = init.status;
    if (init.serverMessage !== undefined) this.serverMessage = init.serverMessage;
    if (init.detail !== undefined) this.detail = init.detail;
  }

  toJSON(): CloudgeneErrorData {
    const data: CloudgeneErrorData = { code: this.code, message: this.message };
    if (this.status !== undefined) data.status = this.status;
    if (this.serverMessage !== undefined) data.serverMessage = this.serverMessage;
    if (this.detail !== undefined) data.detail = this.detail;
    return data;
  }
}
