// Pre-flight checks for the New job form: the server's own validation rules (electron/services/vcf)
// on the chosen files, with the limits of that server, progress and cancel. File paths stay
// here: the renderer gets file ids.
import { AppError, type EventSink, type Finding, type FormField, type PreflightReport } from '../../ipc/contract';
import type { FileRegistry } from '../files/file-registry';
import type { ServersService } from '../servers/servers-service';
import { limitsFor, PreflightChecker, type ServerFlavour } from '../vcf/index';
import type { Finding as VcfFinding } from '../vcf/types';

export interface PreflightRequest {
  checkId: string;
  serverId: string;
  fileIds: string[];
  values: Record<string, string>;
}

export class PreflightService {
  private readonly checker = new PreflightChecker();
  private readonly running = new Map<string, AbortController>();

  constructor(
    private readonly deps: {
      servers: ServersService;
      files: FileRegistry;
      events: EventSink;
      /** The form last served for a server (panel labels tell each panel's build). */
      formOf: (serverId: string) => FormField[] | undefined;
    },
  ) {}

  async check(request: PreflightRequest): Promise<PreflightReport> {
    const server = this.deps.servers.list().find((candidate) => candidate.id === request.serverId);
    if (!server) throw new AppError('not-found', 'That server is no longer in your list.');
    const files = request.fileIds.map((id) => this.deps.files.get(id));
    const flavour = flavourOf(server.kind, server.serverName);
    const panelKey = request.values.refpanel ?? '';
    const controller = new AbortController();
    this.running.get(request.checkId)?.abort();
    this.running.set(request.checkId, controller);
    let lastEmit = 0;
    try {
      const report = await this.checker.check(
        files.map((file) => file.path),
        {
          build: request.values.build ?? 'hg19',
          phasing: request.values.phasing ?? 'eagle',
          refpanelId: panelId(panelKey),
          refpanelBuild: panelBuild(panelKey, this.deps.formOf(request.serverId)),
          population: request.values.population ?? '',
          mode: request.values.mode ?? 'imputation',
          r2Filter: request.values.r2Filter,
        },
        limitsFor(flavour),
        {
          signal: controller.signal,
          onProgress: (bytesRead, totalBytes) => {
            const now = Date.now();
            if (now - lastEmit < 200 && bytesRead < totalBytes) return;
            lastEmit = now;
            this.deps.events.emit('preflight:progress', { checkId: request.checkId, bytesRead, totalBytes });
          },
        },
      );
      const idOf = new Map(files.map((file) => [file.path, file.id]));
      return {
        ok: report.ok,
        files: report.files.map(({ summary, findings }) => ({
          fileId: idOf.get(summary.path) ?? '',
          name: summary.name,
          samples: summary.samples,
          chromosomes: summary.chromosomes,
          variants: summary.variants,
          chunks: summary.chunks.length,
          phased: summary.phased,
          firstPosition: summary.firstPosition,
          lastPosition: summary.lastPosition,
          suggestedBuild: summary.suggestedBuild,
          findings: findings.map(publicFinding),
        })),
        crossFile: report.crossFile.map(publicFinding),
      };
    } catch (error) {
      if (controller.signal.aborted) throw new AppError('canceled', 'The check was canceled.');
      throw error;
    } finally {
      if (this.running.get(request.checkId) === controller) this.running.delete(request.checkId);
    }
  }

  cancel(checkId: string): { canceled: boolean } {
    const controller = this.running.get(checkId);
    controller?.abort();
    return { canceled: controller !== undefined };
  }
}

function publicFinding({ rule, severity, serverMessage, explanation, fix, firstStop }: VcfFinding): Finding {
  return { rule, severity, serverMessage, explanation, fix, ...(firstStop ? { firstStop } : {}) };
}

/** TOPMed and Michigan differ in limits (samples, chunk size, density); custom servers run the upstream app. */
export function flavourOf(kind: string, serverName: string | null): ServerFlavour {
  return kind === 'topmed' || /topmed/i.test(serverName ?? '') ? 'topmed' : 'michigan';
}

/** `apps@<id>@<version>` (or a bare id) → the panel id. */
export function panelId(key: string): string {
  const parts = key.split('@');
  return parts[0] === 'apps' ? (parts[1] ?? '') : (parts[0] ?? '');
}

/** The panel's build, read from its label ("... (GRCh38/hg38)"); TOPMed r3 is hg38. */
export function panelBuild(key: string, fields: FormField[] | undefined): string {
  const field = fields?.find((candidate) => candidate.id === 'refpanel');
  const label = field?.kind === 'select' ? (field.options.find((option) => option.value === key)?.label ?? '') : '';
  if (/hg38|GRCh38/i.test(label)) return 'hg38';
  if (/hg19|GRCh37/i.test(label)) return 'hg19';
  return /topmed/i.test(key) ? 'hg38' : 'hg19';
}
