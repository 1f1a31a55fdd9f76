// The imputationserver2 app and its reference panels, per flavour (docs/server-behaviour.md#form-inputs, #reference-panels, #populations).
export type Flavour = 'michigan' | 'topmed';

export interface Population {
  id: string;
  name: string;
  samples: number;
}
/** The panel's `qcFilter` settings that change QC outcomes (docs/server-behaviour.md#server-limits). */
export interface PanelQcFilter {
  minSnps: number;
  overlap: number;
  sampleCallrate: number;
  strandFlips: number;
  alleleSwitches: number;
}

export interface RefPanel {
  id: string;
  version: string;
  name: string;
  build: 'hg19' | 'hg38';
  populations: Population[];
  /** Defaults: DEFAULT_QC_FILTER. */
  qc?: Partial<PanelQcFilter>;
}

/** imputationserver-utils RefPanel defaults (alleleSwitches: Integer.MAX_VALUE). */
export const DEFAULT_QC_FILTER: PanelQcFilter = { minSnps: 3, overlap: 0.5, sampleCallrate: 0.5, strandFlips: 100, alleleSwitches: 2_147_483_647 };
// Michigan v2 stops at more than 100 allele switches ("QC fails"); HRC needs 20 SNPs per chunk.
const MICHIGAN_QC: Partial<PanelQcFilter> = { alleleSwitches: 100 };

export const panelQcFilter = (panel: RefPanel): PanelQcFilter => ({ ...DEFAULT_QC_FILTER, ...panel.qc });

const pops = (...entries: Array<[string, string, number]>): Population[] => entries.map(([id, name, samples]) => ({ id, name, samples }));

// Already in the server's order (Cloudgene sorts panels by name with Java string order).
const MICHIGAN_PANELS: RefPanel[] = [
  {
    id: '1000g-phase-1',
    version: '2.0.0',
    name: '1000G Phase 1 v3 Shapeit2 (no singletons) (GRCh37/hg19)',
    build: 'hg19',
    qc: MICHIGAN_QC,
    populations: pops(['afr', 'AFR', 246], ['amr', 'AMR', 181], ['asn', 'ASN', 286], ['eur', 'EUR', 379], ['mixed', 'Other/Mixed', -1], ['off', 'Off', -1]),
  },
  {
    id: '1000g-phase3-low',
    version: '1.0.0',
    name: '1000G Phase 3 (GRCh38/hg38) [BETA]',
    build: 'hg38',
    qc: MICHIGAN_QC,
    populations: pops(['all', 'ALL', 2504], ['off', 'Off', -1]),
  },
  {
    id: '1000g-phase3-deep',
    version: '1.0.0',
    name: '1000G Phase 3 30x (GRCh38/hg38) [BETA]',
    build: 'hg38',
    qc: MICHIGAN_QC,
    populations: pops(['all', 'ALL', 3202], ['off', 'Off', -1]),
  },
  {
    id: '1000g-phase-3-v5',
    version: '2.0.0',
    name: '1000G Phase 3 v5 (GRCh37/hg19)',
    build: 'hg19',
    qc: MICHIGAN_QC,
    populations: pops(
      ['afr', 'AFR', 661],
      ['amr', 'AMR', 347],
      ['eas', 'EAS', 504],
      ['sas', 'SAS', 489],
      ['eur', 'EUR', 503],
      ['mixed', 'Other/Mixed', -1],
      ['off', 'Off', -1],
    ),
  },
  {
    id: 'caapa',
    version: '2.0.0',
    name: 'CAAPA African American Panel (GRCh37/hg19)',
    build: 'hg19',
    qc: MICHIGAN_QC,
    populations: pops(['AA', 'African Americans', 883], ['mixed', 'Other/Mixed', -1], ['off', 'Off', -1]),
  },
  {
    id: 'genome-asia-panel',
    version: '1.0.0',
    name: 'Genome Asia Pilot - GAsP (GRCh37/hg19)',
    build: 'hg19',
    qc: MICHIGAN_QC,
    populations: pops(['asn', 'ASN', 1654], ['mixed', 'Other/Mixed', -1], ['off', 'Off', -1]),
  },
  {
    id: 'hrc-r1.1',
    version: '2.0.0',
    name: 'HRC r1.1 2016 (GRCh37/hg19)',
    build: 'hg19',
    qc: { ...MICHIGAN_QC, minSnps: 20 },
    populations: pops(['eur', 'EUR', 32470], ['mixed', 'Other/Mixed', -1], ['off', 'Off', -1]),
  },
  {
    id: 'hapmap-2',
    version: '2.0.0',
    name: 'HapMap 2 (GRCh37/hg19)',
    build: 'hg19',
    qc: MICHIGAN_QC,
    populations: pops(['eur', 'EUR', 60], ['off', 'Off', -1]),
  },
  { id: 'samoan', version: '2.0.0', name: 'Samoan (GRCh37/hg19)', build: 'hg19', qc: MICHIGAN_QC, populations: pops(['off', 'Off', -1]) },
];

const TOPMED_PANELS: RefPanel[] = [
  // TOPMed sets no allele-switch limit (docs/server-behaviour.md#server-limits); its logs print "< 20 SNPs".
  {
    id: 'topmed-r3',
    version: '1.0.0',
    name: 'TOPMed r3',
    build: 'hg38',
    qc: { minSnps: 20 },
    populations: pops(['all', 'vs. TOPMed Panel', 133597], ['off', 'Skip', -1]),
  },
];

export interface FlavourProfile {
  flavour: Flavour;
  serverName: string;
  appId: 'imputationserver2';
  appName: string;
  appVersion: string;
  /** The pipeline's Nextflow manifest version (the dose files' ##mis_pipeline line). */
  pipelineVersion: string;
  eagleLabel: string;
  panels: RefPanel[];
  defaultDownloadCredits: number;
  minSnpsHint: number;
}

export const PROFILES: Record<Flavour, FlavourProfile> = {
  michigan: {
    flavour: 'michigan',
    serverName: 'Michigan Imputation Server 2',
    appId: 'imputationserver2',
    appName: 'Genotype Imputation',
    appVersion: '2.0.12',
    pipelineVersion: 'v2.0.12',
    eagleLabel: 'Eagle v2.4',
    panels: MICHIGAN_PANELS,
    defaultDownloadCredits: 10,
    minSnpsHint: 3,
  },
  topmed: {
    flavour: 'topmed',
    serverName: 'TOPMed Imputation Server',
    appId: 'imputationserver2',
    appName: 'Genotype Imputation',
    appVersion: '2.0.10-statgen.2',
    pipelineVersion: 'v2.0.10-statgen.2',
    eagleLabel: 'Eagle v2.4 (phased output)',
    panels: TOPMED_PANELS,
    defaultDownloadCredits: 50,
    minSnpsHint: 20,
  },
};

/** Input ids of the app (visible or not): anything else in a submit is `Parameter 'x' not found.` */
export const APP_INPUT_IDS = new Set([
  'refpanel',
  'files',
  'build',
  'r2Filter',
  'phasing',
  'population',
  'mode',
  'aesEncryption',
  'meta',
  'myseparator',
  'check1',
  'check2',
  'password',
]);
export const CHECKBOX_IDS = new Set(['aesEncryption', 'meta']);

export const panelKey = (p: RefPanel): string => `apps@${p.id}@${p.version}`;

/** `refpanel` may be `apps@id@ver`, `apps@id`, `id@ver` or bare `id` (docs/server-behaviour.md#submit-request). */
export function resolvePanel(profile: FlavourProfile, value: string | undefined): RefPanel | null {
  if (!value) return null;
  let rest = value.trim();
  if (rest.startsWith('apps@')) rest = rest.slice(5);
  const [id, version] = rest.split('@');
  return profile.panels.find((p) => p.id === id && (version === undefined || p.version === version)) ?? null;
}

const option = (key: string, value: string | null, extra: { label?: string | null; values?: unknown[] | null } = {}) => ({
  key,
  value,
  label: extra.label ?? null,
  values: extra.values ?? null,
  enabled: false,
});

const APP_DESCRIPTION =
  'This is the new Michigan Imputation Server Pipeline using <a href="https://github.com/statgen/Minimac4">Minimac4</a>. Documentation can be found <a href="http://imputationserver.readthedocs.io/en/latest/">here</a>.<br><br>If your input data is <b>GRCh37/hg19</b> please ensure chromosomes are encoded without prefix  (e.g. <b>20</b>).<br>If your input data is <b>GRCh38hg38</b> please ensure chromosomes are encoded with prefix \'chr\' (e.g. <b>chr20</b>).';

const base = (id: string, type: string, description: string | undefined, value = '') => ({
  id,
  ...(description !== undefined ? { description } : {}),
  type,
  value,
  visible: true,
  required: true,
  adminOnly: false,
});

/** Body of GET /api/v2/server/apps/imputationserver2 (docs/server-behaviour.md#form-inputs). */
export function appDefinition(profile: FlavourProfile, s3Workspace: boolean): Record<string, unknown> {
  const checkboxValues = [option('false', 'false'), option('true', 'true')];
  return {
    id: profile.appId,
    name: profile.appName,
    version: profile.appVersion,
    description: APP_DESCRIPTION,
    author: null,
    website: 'https://imputationserver.readthedocs.io',
    logo: null,
    submitButton: 'Start Imputation',
    s3Workspace,
    footer: null,
    params: [
      {
        ...base(
          'refpanel',
          'app_list',
          'Reference Panel (<a href="https://imputationserver.sph.umich.edu/start.html#!pages/refpanels" target="_blank">Details</a>)',
        ),
        values: profile.panels.map((p) => option(panelKey(p), p.name)),
      },
      {
        ...base(
          'files',
          'local_folder',
          'Input Files (<a href="http://www.1000genomes.org/wiki/Analysis/Variant%20Call%20Format/vcf-variant-call-format-version-41" target="_blank">VCF</a>)',
        ),
        source: 'upload',
      },
      {
        ...base('build', 'list', 'Array Build', 'hg19'),
        details: 'Please note that the final SNP coordinates always match the reference build.',
        values: [option('hg19', 'GRCh37/hg19'), option('hg38', 'GRCh38/hg38')],
      },
      {
        ...base('r2Filter', 'list', 'rsq Filter', '0'),
        values: [option('0', 'off'), option('0.001', '0.001'), option('0.1', '0.1'), option('0.2', '0.2'), option('0.3', '0.3')],
      },
      {
        ...base('phasing', 'list', 'Phasing Engine', 'eagle'),
        values: [option('beagle', 'Beagle 5.4 (HRC and 1KG only)'), option('eagle', profile.eagleLabel), option('no_phasing', 'No phasing')],
      },
      {
        ...base('population', 'binded_list', 'Allele Frequency Check'),
        bind: 'refpanel',
        values: profile.panels.map((p) => option(panelKey(p), null, { label: p.name, values: p.populations.map((pop) => option(pop.id, pop.name)) })),
      },
      {
        ...base('mode', 'list', 'Mode', 'imputation'),
        values: [option('imputation', 'Quality Control & Imputation'), option('qc_only', 'Quality Control Only')],
      },
      {
        ...base('aesEncryption', 'checkbox', 'AES 256 encryption', 'false'),
        details:
          'Imputation Server encrypts all zip files by default. Please note that AES encryption does not work with standard unzip programs. Use 7z instead.',
        values: checkboxValues,
      },
      { ...base('meta', 'checkbox', 'Generate Meta-imputation file', 'false'), values: checkboxValues },
      base('myseparator', 'separator', undefined),
      base('check1', 'terms_checkbox', 'I will not attempt to re-identify or contact research participants.'),
      base(
        'check2',
        'terms_checkbox',
        'I will report any inadvertent data release, security breach or other data management incident of which I become aware.',
      ),
    ],
  };
}
