// What a broken download may do next, given that every request to a Cloudgene download URL spends
// one of the file's credits (docs/server-behaviour.md#downloads-and-credits). Pure, so the rules are easy to read and test.
import type { DownloadErrorCode } from './errors';

/** Breaks worth another attempt; anything else (no credits, deleted results, a full disk) is final. */
export const RETRYABLE_CODES: readonly DownloadErrorCode[] = ['interrupted', 'network', 'link-expired', 'invalid-response'];

export interface CreditPolicy {
  /** A retry that spends a credit starts by itself only while more credits than this remain. */
  autoRetryCreditThreshold: number;
  maxPaidRetries: number;
  maxFreeRetries: number;
}

export const DEFAULT_CREDIT_POLICY: CreditPolicy = { autoRetryCreditThreshold: 2, maxPaidRetries: 3, maxFreeRetries: 5 };

export interface FailureFacts {
  code: DownloadErrorCode;
  /** A still-valid pre-signed URL (S3 mode) lets the next attempt continue without a credit. */
  resumeValid: boolean;
  /** Credits this app already spent on the file. */
  creditsSpent: number;
  /** Remaining credits; -1 = unlimited. */
  creditsLeft: number;
  /** Earlier automatic retries of the same kind (free or paid) for this file. */
  earlierRetries: { free: number; paid: number };
}

export type NextStep = { action: 'fail' } | { action: 'retry'; creditLost: boolean; attempt: number } | { action: 'ask'; creditLost: true };

/** True when the next attempt must go to the Cloudgene URL again after one that already spent a credit. */
export function restartSpendsCredit(resumeValid: boolean, creditsSpent: number): boolean {
  return !resumeValid && creditsSpent > 0;
}

export function mayAutoSpend(creditsLeft: number, policy: CreditPolicy): boolean {
  return creditsLeft === -1 || creditsLeft > policy.autoRetryCreditThreshold;
}

export function nextStepAfterFailure(facts: FailureFacts, policy: CreditPolicy): NextStep {
  if (!RETRYABLE_CODES.includes(facts.code)) return { action: 'fail' };
  // An expired link can only be renewed through the Cloudgene URL, with a credit.
  const free = facts.resumeValid && facts.code !== 'link-expired';
  const creditLost = !free && restartSpendsCredit(false, facts.creditsSpent);
  if (!creditLost) {
    const attempt = facts.earlierRetries.free + 1;
    return attempt > policy.maxFreeRetries ? { action: 'fail' } : { action: 'retry', creditLost: false, attempt };
  }
  const attempt = facts.earlierRetries.paid + 1;
  if (mayAutoSpend(facts.creditsLeft, policy) && attempt <= policy.maxPaidRetries) return { action: 'retry', creditLost: true, attempt };
  return { action: 'ask', creditLost: true };
}
