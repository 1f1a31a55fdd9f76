import { describe, expect, it } from 'vitest';
import { DEFAULT_CREDIT_POLICY, nextStepAfterFailure, type FailureFacts } from '../../electron/services/downloads/credit-policy';

const facts = (over: Partial<FailureFacts>): FailureFacts => ({
  code: 'interrupted',
  resumeValid: false,
  creditsSpent: 1,
  creditsLeft: 9,
  earlierRetries: { free: 0, paid: 0 },
  ...over,
});
const next = (over: Partial<FailureFacts>) => nextStepAfterFailure(facts(over), DEFAULT_CREDIT_POLICY);

describe('nextStepAfterFailure', () => {
  it('resumes for free while the pre-signed link is valid, a bounded number of times', () => {
    expect(next({ resumeValid: true, creditsLeft: 0 })).toEqual({ action: 'retry', creditLost: false, attempt: 1 });
    expect(next({ resumeValid: true, earlierRetries: { free: 5, paid: 0 } })).toEqual({ action: 'fail' });
  });

  it('retries a paid restart by itself only while more than 2 credits remain', () => {
    expect(next({ creditsLeft: 3 })).toEqual({ action: 'retry', creditLost: true, attempt: 1 });
    expect(next({ creditsLeft: 2 })).toEqual({ action: 'ask', creditLost: true });
    expect(next({ creditsLeft: -1 })).toEqual({ action: 'retry', creditLost: true, attempt: 1 });
    expect(next({ creditsLeft: 50, earlierRetries: { free: 0, paid: 3 } })).toEqual({ action: 'ask', creditLost: true });
    expect(nextStepAfterFailure(facts({ creditsLeft: 5 }), { ...DEFAULT_CREDIT_POLICY, autoRetryCreditThreshold: 5 })).toEqual({
      action: 'ask',
      creditLost: true,
    });
  });

  it('treats an expired link as a paid restart', () => {
    expect(next({ code: 'link-expired', resumeValid: true, creditsLeft: 2 })).toEqual({ action: 'ask', creditLost: true });
  });

  it('retries a connection that never reached the server without counting a lost credit', () => {
    expect(next({ code: 'network', creditsSpent: 0, creditsLeft: 1 })).toEqual({ action: 'retry', creditLost: false, attempt: 1 });
  });

  it('gives up on final answers', () => {
    for (const code of ['credits-exhausted', 'retired', 'not-found', 'disk-full', 'unsafe-name', 'http-error'] as const) {
      expect(next({ code })).toEqual({ action: 'fail' });
    }
  });
});
