// What the job page can do with a results password: copy it (main writes the clipboard), show
// it or save it to a file (only while this computer cannot keep it), and say it was saved.
import path from 'node:path';
import { AppError, type JobPasswordStatus } from '../../ipc/contract';
import { jobFolderName } from '../downloads/safe-path';
import { copySecretToClipboard } from '../jobs/password-clipboard';
import type { JobsService } from '../jobs/jobs-service';
import type { Ports } from '../ports';
import type { ServersService } from '../servers/servers-service';
import { writePasswordFile, type JobPasswords } from './job-passwords';

export interface PasswordActionsDeps {
  servers: ServersService;
  jobs: JobsService;
  passwords: JobPasswords;
  clipboard: Ports['clipboard'];
  saveDialog: Ports['saveDialog'];
  log: Ports['log'];
}

export class PasswordActions {
  constructor(private readonly deps: PasswordActionsDeps) {}

  async copy(serverId: string, jobId: string): Promise<{ copied: boolean }> {
    const { password } = await this.deps.jobs.passwordOf(serverId, jobId);
    if (password === null) {
      throw new AppError(
        'not-found',
        'The app does not have the password of this job: it was not submitted from this app, or it was not kept on this computer.',
      );
    }
    return copySecretToClipboard(this.deps.clipboard, password, this.deps.log);
  }

  async reveal(serverId: string, jobId: string): Promise<{ password: string }> {
    return { password: await this.deps.passwords.reveal(this.server(serverId).url, jobId) };
  }

  /** Writes the password to a text file: one the user picks, or (browser preview) next to the results. */
  async save(serverId: string, jobId: string): Promise<{ path: string | null }> {
    const server = this.server(serverId);
    const password = await this.deps.passwords.reveal(server.url, jobId);
    const { rawName } = await this.deps.jobs.passwordOf(serverId, jobId).catch(() => ({ rawName: jobId }));
    const suggested = path.join(server.downloadDir, jobFolderName(jobId, rawName), `${jobId}-results-password.txt`);
    const file = this.deps.saveDialog ? await this.deps.saveDialog.chooseSavePath({ title: 'Save the results password', defaultPath: suggested }) : suggested;
    if (!file) return { path: null };
    await writePasswordFile(file, jobId, server.label, password);
    return { path: file };
  }

  async acknowledge(serverId: string, jobId: string): Promise<JobPasswordStatus> {
    const server = this.server(serverId);
    await this.deps.passwords.acknowledge(server.url, jobId);
    return this.deps.passwords.status(server.url, { id: jobId, rawName: '', submittedOn: 0, delivery: null, summaryPassword: null });
  }

  private server(serverId: string) {
    const server = this.deps.servers.list().find((candidate) => candidate.id === serverId);
    if (!server) throw new AppError('not-found', 'That server is no longer in your list.');
    return server;
  }
}
