import { randomBytes, randomInt } from 'node:crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export function randomString(length: number, alphabet = ALNUM): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

export const randomLetters = (length: number): string => randomString(length, LETTERS);

/** 64 hex chars, like the server's SHA-256 file hashes. */
export const randomFileHash = (): string => randomBytes(32).toString('hex');

/** 14 chars: 5 upper, 5 lower, 2 digits, 2 symbols, shuffled (imputationserver2 PasswordCreator). */
export function randomJobPassword(): string {
  const chars = [
    ...randomString(5, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'),
    ...randomString(5, 'abcdefghijklmnopqrstuvwxyz'),
    ...randomString(2, '0123456789'),
    ...randomString(2, '!@#%&*()_+[]{};:.<>?-='),
  ];
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j], chars[i]];
  }
  return chars.join('');
}

/** Small deterministic PRNG (mulberry32) for plausible, repeatable statistics. */
export function seededRandom(seedText: string): () => number {
  let seed = 0;
  for (let i = 0; i < seedText.length; i++) seed = (Math.imul(seed, 31) + seedText.charCodeAt(i)) | 0;
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
