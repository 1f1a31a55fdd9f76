import { describe, expect, it } from 'vitest';
import { CLOUDGENE_ERROR_CODES, CloudgeneError, userMessage } from '../../electron/services/cloudgene/errors';

describe('userMessage', () => {
  it('has words for every code', () => {
    for (const code of CLOUDGENE_ERROR_CODES) expect(userMessage(code).length).toBeGreaterThan(5);
  });

  it('tells an expired token from a replaced one', () => {
    expect(userMessage('unauthorized')).toBe('The token is invalid or has expired. Paste a new API token from your profile page.');
    expect(userMessage('token-revoked')).toContain('revoked or replaced');
  });

  it('adds a server message that says more than the code, and skips framework words', () => {
    expect(userMessage('bad-request', "Parameter 'x' not found.")).toContain(`The server said: "Parameter 'x' not found."`);
    expect(userMessage('unauthorized', 'Unauthorized')).not.toContain('The server said');
    expect(userMessage('token-revoked', 'Forbidden')).not.toContain('The server said');
    expect(userMessage('network', 'ignored', 'the connection was closed after 1.0 MiB of 2.0 MiB were sent')).toBe(
      'The server could not be reached. Check your network connection and the server address. (the connection was closed after 1.0 MiB of 2.0 MiB were sent)',
    );
  });
});

describe('CloudgeneError', () => {
  it('travels as plain data with its code and the server message', () => {
    const error = new CloudgeneError('job-limit', { status: 400, serverMessage: 'Only 3 jobs per user can be executed simultaneously.' });
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      code: 'job-limit',
      status: 400,
      serverMessage: 'Only 3 jobs per user can be executed simultaneously.',
      message: userMessage('job-limit', 'Only 3 jobs per user can be executed simultaneously.'),
    });
  });
});
