import type { IncomingMessage } from 'node:http';
import { signJwt, verifyJwt } from './jwt';
import { randomLetters, randomString } from './random';
import type { EmulatorClock } from './clock';

// Users and the two kinds of token of docs/server-behaviour.md#token-kinds.

export interface EmulatorUser {
  id: number;
  username: string;
  password: string;
  fullName: string;
  mail: string;
  admin: boolean;
  active: boolean;
  /** api_hash of the one active API token; "" when none (revoked). */
  apiHash: string;
  apiTokenExpiresAt: number | null;
  lastLogin: number | null;
  loginAttempts: number;
  lockedUntil: number | null;
}

export type Caller =
  | { kind: 'anonymous' }
  | { kind: 'invalid'; reason: string }
  | { kind: 'revoked'; user: EmulatorUser }
  | { kind: 'user'; user: EmulatorUser; apiToken: boolean };

const DAY_S = 86_400;
const LOGIN_TOKEN_SECONDS = 86_400;
const NEVER_SECONDS = 2_147_483_647; // Integer.MAX_VALUE seconds for expiration=-1

export class AuthService {
  readonly secret = randomLetters(64);
  private readonly users = new Map<string, EmulatorUser>();
  private nextId = 1;
  /** Signatures of tokens issued so far, and those made to count as expired (control `expireTokens`). */
  private readonly issued = new Set<string>();
  private readonly forceExpired = new Set<string>();

  constructor(private readonly clock: EmulatorClock) {}

  addUser(input: { username: string; password?: string; fullName?: string; mail?: string; admin?: boolean }): EmulatorUser {
    if (this.users.has(input.username)) throw new Error(`user ${input.username} exists`);
    const user: EmulatorUser = {
      id: this.nextId++,
      username: input.username,
      password: input.password ?? 'password',
      fullName: input.fullName ?? input.username,
      mail: input.mail ?? `${input.username}@example.org`,
      admin: input.admin ?? false,
      active: true,
      apiHash: '',
      apiTokenExpiresAt: null,
      lastLogin: null,
      loginAttempts: 0,
      lockedUntil: null,
    };
    this.users.set(user.username, user);
    return user;
  }

  getUser(username: string): EmulatorUser | undefined {
    return this.users.get(username);
  }

  userCount(): number {
    return this.users.size;
  }

  private standardClaims(sub: string, lifetimeSeconds: number): { sub: string; nbf: number; iat: number; exp: number; iss: string } {
    const iat = Math.floor(this.clock.now() / 1000);
    return { sub, nbf: iat, iat, exp: iat + lifetimeSeconds, iss: 'cloudgene' };
  }

  loginToken(user: EmulatorUser): string {
    return this.remember(signJwt({ ...this.standardClaims(user.username, LOGIN_TOKEN_SECONDS), roles: [user.admin ? 'admin' : 'user'] }, this.secret));
  }

  /** A new API token replaces the previous one (one active token per user). `days` -1 = never; 0 = already expired. */
  createApiToken(user: EmulatorUser, days = 30): string {
    const seconds = days === -1 ? NEVER_SECONDS : Math.round(days * DAY_S);
    const apiHash = randomString(30);
    const claims = {
      ...this.standardClaims(user.username, seconds),
      token_type: 'API_TOKEN',
      api_hash: apiHash,
      username: user.username,
      name: user.fullName,
      mail: user.mail,
      api: true,
      roles: [],
    };
    user.apiHash = apiHash;
    user.apiTokenExpiresAt = claims.exp * 1000;
    return this.remember(signJwt(claims, this.secret));
  }

  private remember(token: string): string {
    this.issued.add(token.slice(token.lastIndexOf('.') + 1));
    return token;
  }

  revokeApiToken(user: EmulatorUser): void {
    user.apiHash = '';
    user.apiTokenExpiresAt = null;
  }

  expireAllTokens(): void {
    for (const signature of this.issued) this.forceExpired.add(signature);
    this.issued.clear();
  }

  /** Resolves the raw `X-Auth-Token` header (no Bearer prefix; `Authorization` is never read). */
  resolve(req: IncomingMessage): Caller {
    const header = req.headers['x-auth-token'];
    const token = Array.isArray(header) ? header[0] : header;
    if (!token) return { kind: 'anonymous' };
    return this.resolveToken(token);
  }

  resolveToken(token: string): Caller {
    const check = verifyJwt(token, this.secret, this.clock.now());
    if (!check.ok) return { kind: 'invalid', reason: check.reason };
    const claims = check.claims;
    if (this.forceExpired.has(token.slice(token.lastIndexOf('.') + 1))) return { kind: 'invalid', reason: 'expired' };
    const user = typeof claims.sub === 'string' ? this.users.get(claims.sub) : undefined;
    if (!user) return { kind: 'invalid', reason: 'unknown user' };
    const isApi = claims.api === true || claims.token_type === 'API_TOKEN';
    if (isApi && (user.apiHash === '' || claims.api_hash !== user.apiHash)) return { kind: 'revoked', user };
    return { kind: 'user', user, apiToken: isApi };
  }
}
