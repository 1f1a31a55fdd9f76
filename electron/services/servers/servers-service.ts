// The servers the user works with: adding one (verify the token, keep it in the keychain),
// replacing the token, signing out, removing, and the status each card shows.
// Every other service reaches a server through use(), so a 401 or a revoked token anywhere
// marks the server at once.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Dispatcher } from 'undici';
import { AppError, type EventSink, type ServerView } from '../../ipc/contract';
import { serverProblemOf } from '../app-errors';
import { CloudgeneClient } from '../cloudgene/client';
import { CloudgeneError } from '../cloudgene/errors';
import type { Logger, Notifier } from '../ports';
import { KeychainLockedError, secretAccounts, type SecretStore } from '../secrets/secret-store';
import { storedServer, type SettingsStore, type StoredServer } from '../settings/settings-store';
import { customLabelProblem, defaultLabel, parseServerUrl, presetServers } from './server-url';
import { DemoSession, type DemoHost } from './demo-session';
import { serverView, type Runtime } from './server-status';
import { checkToken, type TokenCheck } from './token-check';

export interface ServersServiceDeps {
  settings: SettingsStore;
  secrets: SecretStore;
  events: EventSink;
  notifier: Notifier;
  log: Logger;
  userAgent: string;
  dispatcher: Dispatcher;
  demo: DemoHost;
  /** A server was removed (its job passwords go too). */
  onRemoved?: (server: { id: string; url: string; kind: StoredServer['kind'] }) => Promise<void>;
  /** The user's Downloads folder: results go below it unless a server has its own folder. */
  downloadsDir: string;
  now?: () => number;
}

export class ServersService {
  private readonly runtime = new Map<string, Runtime>();
  private readonly demo: DemoSession;
  private readonly now: () => number;

  constructor(private readonly deps: ServersServiceDeps) {
    this.now = deps.now ?? Date.now;
    this.demo = new DemoSession(deps.demo);
  }

  /** Learns which servers have a token; checks them in the background. */
  async init(): Promise<void> {
    for (const server of this.stored()) {
      if (server.kind === 'demo') {
        this.runtime.set(server.id, { problem: null, detail: null, hasToken: true, starting: true });
        continue;
      }
      try {
        const hasToken = (await this.deps.secrets.get(secretAccounts.token(server.url))) !== null;
        this.runtime.set(server.id, { problem: null, detail: null, hasToken, starting: false });
      } catch (error) {
        // A locked keychain: the token is most likely still there. Never "signed out" for that.
        if (!(error instanceof KeychainLockedError)) throw error;
        this.runtime.set(server.id, { problem: 'locked', detail: null, hasToken: true, starting: false });
      }
    }
  }

  /** Checks every server once (at start-up, in the background). */
  async refreshAll(): Promise<void> {
    await Promise.all(this.stored().map((server) => this.refresh(server.id).catch(() => undefined)));
  }

  list(): ServerView[] {
    return this.stored().map((server) => this.view(server));
  }

  async add(request: { kind: 'topmed' | 'michigan' | 'custom'; url?: string; label?: string; token: string }): Promise<ServerView> {
    const url = request.kind === 'custom' ? parseServerUrl(request.url ?? '') : presetServers[request.kind].url;
    if (this.stored().some((server) => server.url === url)) {
      throw new AppError('invalid-request', 'This server is already in your list. Use "Replace token" on its card to change the token.');
    }
    // A custom server is named by its host unless the user names it; never by what it says it is.
    const label = request.label?.trim() || defaultLabel(request.kind, url);
    const labelProblem = request.kind === 'custom' ? customLabelProblem(label) : null;
    if (labelProblem) throw new AppError('invalid-request', labelProblem);
    const token = request.token.trim();
    const checked = await this.verify(url, token);
    await this.deps.secrets.set(secretAccounts.token(url), token);
    const server = storedServer.parse({
      id: randomUUID(),
      kind: request.kind,
      label,
      url,
      ...this.learned(checked),
    });
    this.runtime.set(server.id, {
      problem: checked.info.maintenance ? 'maintenance' : null,
      detail: checked.info.maintenanceMessage,
      hasToken: true,
      starting: false,
    });
    await this.deps.settings.update((draft) => {
      draft.servers.push(server);
    });
    await this.notifyExpiryOnce(server.id);
    this.changed();
    return this.viewById(server.id);
  }

  async addDemo(): Promise<ServerView> {
    const existing = this.stored().find((server) => server.kind === 'demo');
    const id = existing?.id ?? randomUUID();
    if (!existing) {
      this.runtime.set(id, { problem: null, detail: null, hasToken: true, starting: true });
      await this.deps.settings.update((draft) => {
        // Everything else takes the schema's defaults; the URL is set once the emulator runs.
        draft.servers.push(storedServer.parse({ id, kind: 'demo', label: 'Demo server', url: 'http://127.0.0.1' }));
      });
      this.changed();
    }
    return this.refresh(id);
  }

  async replaceToken(id: string, rawToken: string): Promise<ServerView> {
    const server = this.get(id);
    if (server.kind === 'demo') throw new AppError('invalid-request', 'The demo server signs in by itself.');
    const token = rawToken.trim();
    const checked = await this.verify(server.url, token);
    await this.deps.secrets.set(secretAccounts.token(server.url), token);
    this.runtime.set(id, {
      problem: checked.info.maintenance ? 'maintenance' : null,
      detail: checked.info.maintenanceMessage,
      hasToken: true,
      starting: false,
    });
    await this.deps.settings.update((draft) => {
      const target = draft.servers.find((candidate) => candidate.id === id);
      if (target) Object.assign(target, this.learned(checked), { expiryNotifiedFor: null });
    });
    await this.notifyExpiryOnce(id);
    this.changed();
    return this.viewById(id);
  }

  async update(id: string, change: { label?: string; liveJobLimit?: number; downloadDir?: string; autoDownload?: boolean }): Promise<ServerView> {
    this.get(id);
    await this.deps.settings.update((draft) => {
      const target = draft.servers.find((candidate) => candidate.id === id);
      if (!target) return;
      if (change.label !== undefined) {
        const problem = target.kind === 'custom' ? customLabelProblem(change.label) : null;
        if (problem) throw new AppError('invalid-request', problem);
        target.label = change.label.trim() || target.label;
      }
      if (change.liveJobLimit !== undefined) target.liveJobLimit = change.liveJobLimit;
      if (change.downloadDir !== undefined) {
        if (!path.isAbsolute(change.downloadDir)) throw new AppError('invalid-request', 'Choose a full folder path for the results.');
        target.downloadDir = change.downloadDir;
      }
      if (change.autoDownload !== undefined) target.autoDownload = change.autoDownload;
    });
    this.changed();
    return this.viewById(id);
  }

  async signOut(id: string): Promise<ServerView> {
    const server = this.get(id);
    if (server.kind === 'demo') throw new AppError('invalid-request', 'The demo server cannot be signed out of; remove it instead.');
    await this.deps.secrets.delete(secretAccounts.token(server.url));
    this.runtime.set(id, { problem: null, detail: null, hasToken: false, starting: false });
    this.changed();
    return this.viewById(id);
  }

  async remove(id: string): Promise<{ removed: boolean }> {
    const server = this.stored().find((candidate) => candidate.id === id);
    if (!server) return { removed: false };
    if (server.kind === 'demo') {
      await this.demo.stop();
    } else {
      await this.deps.secrets.delete(secretAccounts.token(server.url));
    }
    await this.deps.onRemoved?.({ id: server.id, url: server.url, kind: server.kind });
    this.runtime.delete(id);
    await this.deps.settings.update((draft) => {
      draft.servers = draft.servers.filter((candidate) => candidate.id !== id);
    });
    this.changed();
    return { removed: true };
  }

  /** Asks the server again: who am I, is the token still good, is it in maintenance. */
  async refresh(id: string): Promise<ServerView> {
    const server = this.get(id);
    const runtime = this.runtimeOf(id);
    if (server.kind === 'demo') {
      const session = await this.startDemo(id);
      await this.deps.settings.update((draft) => {
        const target = draft.servers.find((candidate) => candidate.id === id);
        if (target) target.url = session.url;
      });
    } else if (!runtime.hasToken) {
      return this.viewById(id);
    }
    try {
      const current = this.get(id);
      const token = await this.tokenOf(current);
      if (!token) {
        // The keychain answered (it is not locked) and has no token: signed out after all.
        this.runtime.set(id, { problem: null, detail: null, hasToken: false, starting: false });
        this.changed();
        return this.viewById(id);
      }
      const checked = await this.verify(current.url, token);
      this.runtime.set(id, { ...runtime, problem: checked.info.maintenance ? 'maintenance' : null, detail: checked.info.maintenanceMessage, starting: false });
      await this.deps.settings.update((draft) => {
        const target = draft.servers.find((candidate) => candidate.id === id);
        if (target) Object.assign(target, this.learned(checked));
      });
      await this.notifyExpiryOnce(id);
    } catch (error) {
      this.runtime.set(id, { ...this.runtimeOf(id), ...serverProblemOf(error), starting: false });
    }
    this.changed();
    return this.viewById(id);
  }

  /**
   * Runs a call against one server with its token. A 401 or a revoked token marks the server,
   * so the card says so at once, whatever screen made the call.
   */
  async use<T>(id: string, call: (client: CloudgeneClient) => Promise<T>): Promise<T> {
    const client = this.client(id);
    try {
      return await call(client);
    } catch (error) {
      const tokenProblem = error instanceof CloudgeneError && (error.code === 'unauthorized' || error.code === 'token-revoked');
      if (tokenProblem || error instanceof KeychainLockedError) {
        this.runtime.set(id, { ...this.runtimeOf(id), ...serverProblemOf(error) });
        this.changed();
      }
      throw error;
    }
  }

  /** A client whose token is read from the keychain at each call (never cached in a field). */
  client(id: string): CloudgeneClient {
    const server = this.get(id);
    return new CloudgeneClient({
      baseUrl: server.kind === 'demo' && this.demo.current() ? this.demo.current()!.url : server.url,
      token: () => this.tokenOf(this.get(id)),
      userAgent: this.deps.userAgent,
      dispatcher: this.deps.dispatcher,
    });
  }

  async close(): Promise<void> {
    await this.demo.stop();
  }

  // ---- internals -----------------------------------------------------------------------------

  private verify(url: string, token: string): Promise<TokenCheck> {
    return checkToken(url, token, { userAgent: this.deps.userAgent, dispatcher: this.deps.dispatcher });
  }

  private learned(checked: TokenCheck): Pick<StoredServer, 'serverName' | 'user' | 'tokenExpiresAt' | 'apps' | 'lastCheckedAt'> {
    const { info } = checked;
    return {
      serverName: info.name || null,
      user: info.user ? { username: info.user.username, fullName: info.user.fullName, mail: info.user.mail } : null,
      tokenExpiresAt: checked.expiresAt,
      apps: info.apps.map((app) => ({ id: app.id, name: app.name, version: app.version })),
      lastCheckedAt: this.now(),
    };
  }

  private async startDemo(id: string): Promise<{ url: string; token: string }> {
    if (!this.demo.current()) this.runtime.set(id, { ...this.runtimeOf(id), starting: true });
    return this.demo.start();
  }

  private async tokenOf(server: StoredServer): Promise<string | null> {
    if (server.kind === 'demo') return this.demo.current()?.token ?? null;
    const token = await this.deps.secrets.get(secretAccounts.token(server.url));
    // A keychain that got locked while the app runs answers "nothing" too: ask it which it is.
    if (token === null && this.runtimeOf(server.id).hasToken && (await this.deps.secrets.check()) === 'locked') throw new KeychainLockedError();
    return token;
  }

  private async notifyExpiryOnce(id: string): Promise<void> {
    const view = this.viewById(id);
    const server = this.get(id);
    if (view.status !== 'expiring' || server.tokenExpiresAt === null || server.expiryNotifiedFor === server.tokenExpiresAt) return;
    this.deps.notifier.notify({
      kind: 'token-expiring',
      title: `Your token for ${server.label} expires soon`,
      body: `It expires on ${new Date(server.tokenExpiresAt).toUTCString()}. Create a new API token on the server's profile page and paste it in Servers.`,
      route: 'servers',
      param: id,
    });
    await this.deps.settings.update((draft) => {
      const target = draft.servers.find((candidate) => candidate.id === id);
      if (target) target.expiryNotifiedFor = server.tokenExpiresAt;
    });
  }

  private stored(): StoredServer[] {
    return this.deps.settings.get().servers;
  }

  private get(id: string): StoredServer {
    const server = this.stored().find((candidate) => candidate.id === id);
    if (!server) throw new AppError('not-found', 'That server is no longer in your list.');
    return server;
  }

  private runtimeOf(id: string): Runtime {
    return this.runtime.get(id) ?? { problem: null, detail: null, hasToken: false, starting: false };
  }

  private viewById(id: string): ServerView {
    return this.view(this.get(id));
  }

  private view(server: StoredServer): ServerView {
    return serverView(server, this.runtimeOf(server.id), {
      now: this.now(),
      demoUrl: this.demo.current()?.url ?? null,
      secretStorage: this.deps.secrets.kind,
      downloadsDir: this.deps.downloadsDir,
    });
  }

  private changed(): void {
    this.deps.events.emit('servers:changed', this.list());
  }
}
