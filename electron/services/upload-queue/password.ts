// Generated results passwords: 24 characters from an alphabet that passes every rule of
// shared/password-rules.ts (no & < > " $ ` \, no spaces), and checked against them all anyway.
import { randomInt } from 'node:crypto';
import { passwordProblem } from '../../shared/password-rules';

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789!#%*+-=?@_';
export const GENERATED_LENGTH = 24;

export function generatePassword(length = GENERATED_LENGTH): string {
  for (;;) {
    let password = '';
    for (let index = 0; index < length; index += 1) password += ALPHABET[randomInt(ALPHABET.length)];
    if (passwordProblem(password) === null) return password;
  }
}
