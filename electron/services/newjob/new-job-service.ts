// The New job form of a server and what would stop a submit now. One place for both: the form
// shows the blockers before anything is chosen, and the upload queue asks the same question
// again right before an upload starts (hours of upload must not end in a refusal the app could
// have seen coming).
import { AppError, type FormField, type JobForm, type StartUploadRequest } from '../../ipc/contract';
import { isLive } from '../../shared/job-states';
import { uploadSelectionProblem } from '../../shared/upload-files';
import type { FileRegistry } from '../files/file-registry';
import type { JobsService } from '../jobs/jobs-service';
import type { ServersService } from '../servers/servers-service';
import type { UploadRequest } from '../upload-queue/upload-queue';
import { checkSubmit, formFieldsOf } from './app-form';

export interface Blocker {
  code: 'maintenance' | 'job-limit' | 'unauthorized' | 'token-revoked';
  message: string;
}

export interface NewJobServiceDeps {
  servers: ServersService;
  jobs: JobsService;
  files: FileRegistry;
  /** Waiting + running jobs the server allows per user (a per-server setting; TOPMed: 3). */
  liveJobLimit: (serverId: string) => number;
}

export const TOKEN_EXPIRED_BEFORE_UPLOAD = 'Your token has expired or was replaced; paste a new one. Nothing was uploaded.';

export class NewJobService {
  /** The form last served per server (the pre-flight check reads panel builds from it). */
  private readonly forms = new Map<string, FormField[]>();

  constructor(private readonly deps: NewJobServiceDeps) {}

  async form(serverId: string): Promise<JobForm> {
    const appId = this.imputationApp(serverId);
    const limit = this.deps.liveJobLimit(serverId);
    const info = await this.deps.servers.use(serverId, (client) => client.server());
    if (info.maintenance) {
      // In maintenance the server refuses its app form too: say why, show no form.
      const blocker = { code: 'maintenance' as const, message: maintenanceMessage(info.maintenanceMessage, 'Submitting is not possible now.') };
      return { serverId, appId, appName: '', appVersion: '', submitLabel: 'Submit', fields: [], liveJobLimit: limit, liveJobs: 0, blocker };
    }
    const [app, list] = await Promise.all([this.deps.servers.use(serverId, (client) => client.app(appId)), this.deps.jobs.list({ serverId, refresh: true })]);
    const fields = formFieldsOf(app);
    this.forms.set(serverId, fields);
    const liveJobs = list.jobs.filter((job) => isLive(job.state)).length;
    return {
      serverId,
      appId: app.id,
      appName: app.name,
      appVersion: app.version,
      submitLabel: app.submitButton ?? 'Submit',
      fields,
      liveJobLimit: limit,
      liveJobs,
      blocker: liveJobs >= limit ? jobLimitBlocker(liveJobs, limit) : null,
    };
  }

  fieldsOf(serverId: string): FormField[] | undefined {
    return this.forms.get(serverId);
  }

  /** The files and values of a submit, checked against the rules and the server's own form. */
  async uploadRequest(request: StartUploadRequest): Promise<UploadRequest> {
    const chosen = request.fileIds.map((id) => this.deps.files.get(id));
    const fileProblem = uploadSelectionProblem(chosen.map((file) => file.name));
    if (fileProblem) throw new AppError('file-refused', fileProblem);
    const fields = this.forms.get(request.serverId) ?? formFieldsOf(await this.deps.servers.use(request.serverId, (client) => client.app(request.appId)));
    const problem = checkSubmit(fields, request.values, request.checked);
    if (problem) throw new AppError('bad-request', problem);
    return {
      serverId: request.serverId,
      appId: request.appId,
      files: chosen.map((file) => ({ path: file.path, name: file.name, size: file.size, mtimeMs: file.mtimeMs })),
      fields: request.values,
      checkboxes: request.checked,
      jobName: request.jobName,
      password: request.password,
    };
  }

  /**
   * Asks the server now whether a submit would be refused: the token (an expired or replaced one
   * is refused before the upload is read), maintenance, the job limit (checked by the server only
   * after the whole upload).
   */
  async blocker(serverId: string): Promise<Blocker | null> {
    const view = await this.deps.servers.refresh(serverId);
    if (view.status === 'expired') return { code: 'unauthorized', message: TOKEN_EXPIRED_BEFORE_UPLOAD };
    if (view.status === 'revoked') return { code: 'token-revoked', message: TOKEN_EXPIRED_BEFORE_UPLOAD };
    if (view.status === 'signed-out') return { code: 'unauthorized', message: 'You are signed out of this server; paste a token first. Nothing was uploaded.' };
    if (view.status === 'unreachable')
      throw new AppError('network', `${view.label} does not answer: ${view.statusMessage ?? 'no connection'}. Nothing was uploaded.`);
    if (view.status === 'maintenance')
      return { code: 'maintenance', message: `${view.statusMessage ?? 'The server is under maintenance.'} Try again later; nothing was uploaded.` };
    const { jobs } = await this.deps.jobs.list({ serverId, refresh: true });
    const live = jobs.filter((job) => isLive(job.state)).length;
    const limit = this.deps.liveJobLimit(serverId);
    return live >= limit ? jobLimitBlocker(live, limit) : null;
  }

  /** The imputation app a server offers (ids in /api/v2/server carry the version). */
  imputationApp(serverId: string): string {
    const server = this.deps.servers.list().find((candidate) => candidate.id === serverId);
    if (!server) throw new AppError('not-found', 'That server is no longer in your list.');
    const app = server.apps.find((candidate) => candidate.id.split('@')[0] === 'imputationserver2');
    return app ? 'imputationserver2' : (server.apps[0]?.id.split('@')[0] ?? 'imputationserver2');
  }
}

function jobLimitBlocker(live: number, limit: number): Blocker {
  return {
    code: 'job-limit',
    message: `You have ${live} jobs waiting or running on this server, the most it runs per user (${limit}). Wait until one finishes.`,
  };
}

function maintenanceMessage(serverMessage: string | null | undefined, then: string): string {
  return `The server is under maintenance${serverMessage ? `: ${serverMessage}` : ''}. ${then}`;
}
