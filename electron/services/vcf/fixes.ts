// What each failed rule means and how to fix it. A fix is words, or words followed by one shell
// line (bcftools/bgzip/tabix/gzip/awk, POSIX sh) that uses the user's real file names. Every
// command shown here is run by tests/vcf/fix-commands.test.ts with Debian's tools on a failing
// file, and its output then passes the pre-flight check. Two things shape the commands:
// - bcftools (1.16) refuses to sort or subset records whose CHROM has no ##contig line, so the
//   commands add the missing lines, or index the file first (bcftools then reads the contigs from
//   the index), whenever the scan saw such records;
// - awk programs stick to POSIX awk (mawk, gawk and the BSD awk of macOS).
import type { RuleFailure } from './rules';

export interface Advice {
  explanation: string;
  fix: string;
}

type Detail = Record<string, string | number>;

/** Shell-quotes a word unless it is plainly safe. */
const q = (name: unknown): string => {
  const s = String(name ?? 'in.vcf.gz');
  return /^[\w.@%+=:,/-]+$/.test(s) ? s : `'${s.replaceAll("'", "'\\''")}'`;
};
const list = (value: unknown): string[] => (value === undefined || value === '' ? [] : String(value).split('\n'));
const stem = (name: unknown): string =>
  String(name ?? 'in.vcf.gz')
    .replace(/\.vcf\.b?gz$/i, '')
    .replace(/\.(vcf|bcf|b?gz)$/i, '');
const outName = (name: unknown, tag = 'fixed'): string => q(`${stem(name)}.${tag}.vcf.gz`);
const count = (n: unknown): string => Number(n ?? 0).toLocaleString('en-US');
/** chromosome names that can go into an awk string literal inside single quotes */
const awkSafe = (c: string): boolean => /^[\w.:*+|-]+$/.test(c);

type Naming = 'plain' | 'chr';
const namingFor = (build: unknown): Naming => (build === 'hg38' ? 'chr' : 'plain');
const renamed = (c: string, to: Naming): string => (to === 'chr' ? (c.startsWith('chr') ? c : `chr${c}`) : c.replace(/^chr/, ''));

interface AwkPlan {
  /** write every CHROM (and ##contig ID) with this naming */
  rename?: Naming;
  /** ##contig lines to add before #CHROM */
  addContigs?: string[];
  /** several files decompressed into one stream: keep only the header before the first record */
  firstHeaderOnly?: boolean;
}

/** One POSIX awk program (in single quotes) doing the plan's edits. */
function awk(plan: AwkPlan): string {
  const parts = ['BEGIN{FS=OFS="\\t"}'];
  if (plan.firstHeaderOnly) parts.push('/^#/ && body {next}');
  const add = (plan.addContigs ?? []).filter(awkSafe);
  if (add.length > 0) parts.push(`/^#CHROM/{${add.map((c) => `print "##contig=<ID=${c}>"`).join('; ')}}`);
  if (plan.rename === 'plain') parts.push('/^##contig=<ID=chr/{sub(/ID=chr/, "ID=")}', '!/^#/{sub(/^chr/, "", $1)}');
  if (plan.rename === 'chr') parts.push('/^##contig=<ID=/ && !/^##contig=<ID=chr/{sub(/ID=/, "ID=chr")}', '!/^#/ && $1 !~ /^chr/{$1 = "chr" $1}');
  if (plan.firstHeaderOnly) parts.push('!/^#/{body = 1}');
  parts.push('{print}');
  return `awk '${parts.join(' ')}'`;
}

/** ##contig lines a file needs after an optional rename (none when it has every one). */
function missingContigs(d: Detail, rename?: Naming): string[] {
  const raws = list(d.raws);
  const has = new Set(list(d.contigs).map((c) => (rename ? renamed(c, rename) : c)));
  const wanted = [...new Set(raws.map((c) => (rename ? renamed(c, rename) : c)))];
  return wanted.filter((c) => !has.has(c));
}

/** `tabix -f -p vcf F && ` when bcftools must learn the contigs from an index. */
const indexFirst = (d: Detail, file: string): string => (list(d.noContig).length > 0 ? `tabix -f -p vcf ${file} && ` : '');

/** Sorts a file, renaming a mix of 20 and chr20 first and adding missing ##contig lines. */
function sortCommand(d: Detail): string {
  const file = q(d.name);
  const out = outName(d.name);
  const rename = Number(d.namingMix) === 1 ? namingFor(d.build) : undefined;
  const add = missingContigs(d, rename);
  if (!rename && add.length === 0) return `bcftools sort -Oz -o ${out} ${file}`;
  return `gzip -dc ${file} | ${awk({ rename, addContigs: add })} | bcftools sort -Oz -o ${out} -`;
}

/** Splits the samples into equal batches of at most `max` and writes each file once per batch. */
function batchCommand(d: Detail): string {
  const n = Number(d.n ?? 0);
  const max = Math.max(1, Number(d.max ?? 1));
  const batches = Math.max(2, Math.ceil(n / max));
  const size = Math.ceil(n / batches);
  const names = list(d.names).length > 0 ? list(d.names) : [String(d.name ?? 'in.vcf.gz')];
  const index = list(d.noContig).length > 0 ? 'tabix -f -p vcf "$f" && ' : '';
  return (
    `bcftools query -l ${q(names[0])} | split -l ${size} - samples_batch_ && for b in samples_batch_??; do for f in ${names.map(q).join(' ')}; do ` +
    `${index}bcftools view -S "$b" -Oz -o "\${f%.vcf.gz}.$b.vcf.gz" "$f"; done; done`
  );
}

const ESTIMATE =
  'This is an estimate: the server counts only the SNPs it finds in its reference panel (and those within 5 Mb of each chunk), which this check cannot see.';

export function adviceFor(f: RuleFailure): Advice {
  const d: Detail = f.detail ?? {};
  const file = q(d.name);
  const out = outName(d.name);
  switch (f.rule) {
    case 'file-name':
      return {
        explanation: String(d.problem ?? 'The server’s scripts use file names without quotes, so this name would break the job.'),
        fix: `Rename the file to ${String(d.suggestion ?? 'a name of letters, digits, dots, dashes and underscores')} (in your file manager), then add it again.`,
      };
    case 'not-bgzf':
      if (d.format === 'gzip')
        return {
          explanation: 'The file is compressed with ordinary gzip. The server needs bgzip (BGZF) compression so it can index the file with tabix.',
          fix: `Compress it again with bgzip: gzip -dc ${file} | bgzip -c > ${out}`,
        };
      if (d.format === 'text')
        return {
          explanation: 'The file is plain (uncompressed) text although its name ends in .vcf.gz. The server needs it compressed with bgzip.',
          fix: `Compress it with bgzip: bgzip -c ${file} > ${out}`,
        };
      return {
        explanation: 'The file is not bgzip-compressed VCF (it is empty, or binary data of another kind). The server can only index bgzip-compressed VCF text.',
        fix: 'Export the genotypes again as VCF compressed with bgzip (in PLINK 2, the option --export vcf bgz does this).',
      };
    case 'bcf':
      return {
        explanation: 'The file is BCF (binary VCF) although its name ends in .vcf.gz. The server accepts only bgzip-compressed VCF text.',
        fix: `Convert it to VCF: bcftools view -Oz -o ${out} ${file}`,
      };
    case 'truncated':
    case 'corrupt':
      return {
        explanation:
          'The compressed data stops or breaks in the middle: the file was cut short (an interrupted copy or download) or is damaged, and the records after that point are lost.',
        fix: `Copy or export the file again. To see the damage: ${d.format === 'gzip' ? 'gzip' : 'bgzip'} -t ${file}`,
      };
    case 'unsorted':
      return {
        explanation: 'Positions go backwards inside a chromosome. tabix on the server needs the records sorted by position.',
        fix: `Sort it: ${sortCommand(d)}`,
      };
    case 'chromosome-blocks':
      return {
        explanation:
          Number(d.namingMix) === 1
            ? "The same chromosome is written two ways (with and without 'chr'), so tabix sees two chromosomes taking turns. The command writes every record one way, then sorts."
            : 'Records of one chromosome are not together (another chromosome comes in between). tabix on the server needs each chromosome in one block.',
        fix: `Sort it: ${sortCommand(d)}`,
      };
    case 'not-tab-delimited':
      return {
        explanation: 'A record line has fewer than three tab-separated columns: its columns are separated by spaces, or the line is empty.',
        fix: `Separate the columns with tabs: gzip -dc ${file} | awk 'BEGIN{OFS="\\t"} /^##/{print; next} NF{$1 = $1; print}' | bgzip -c > ${out}`,
      };
    case 'too-few-columns':
      return {
        explanation:
          'A record has fewer than 10 columns, so it carries no genotypes (a sites-only VCF?). The server needs FORMAT with GT and one column per sample.',
        fix: 'Export the genotypes again including the samples (in PLINK 2, the option --export vcf bgz does this).',
      };
    case 'bad-position':
      return {
        explanation: 'POS is not a whole number the server can read (at most 2,147,483,647).',
        fix: `Look at those records; to drop them: gzip -dc ${file} | awk -F'\\t' '/^#/ || $2 ~ /^[0-9]+$/' | bgzip -c > ${out}`,
      };
    case 'multiple-chromosomes': {
      const keep = list(d.keep);
      if (keep.length === 0)
        return {
          explanation: 'The file contains more than one chromosome, and none of them is one the servers impute (1-22, X).',
          fix: 'Remove this file from the upload.',
        };
      return {
        explanation: `The file contains more than one chromosome. The server needs one file per chromosome.${keep.length < list(d.raws).length ? ' Only the chromosomes the server imputes are kept.' : ''}`,
        fix: `Split it by chromosome: tabix -f -p vcf ${file} && for c in ${keep.map(q).join(' ')}; do bcftools view -r "$c" -Oz -o ${q(stem(d.name))}."$c".vcf.gz ${file}; done`,
      };
    }
    case 'ref-equals-alt':
      return {
        explanation: 'A record has the same allele as REF and ALT, which the server rejects.',
        fix: `Drop those records: bcftools view -e 'REF==ALT' -Oz -o ${out} ${file}`,
      };
    case 'duplicate-sample':
      return {
        explanation:
          'A sample ID occurs more than once in the #CHROM line. Every sample needs a unique ID. (If the copies are the same person, remove one of them instead.)',
        fix: `Number the repeats (ID_2, ID_3, ...): gzip -dc ${file} | awk 'BEGIN{FS=OFS="\\t"} /^#CHROM/{for (i = 10; i <= NF; i++) if (++seen[$i] > 1) $i = $i "_" seen[$i]} {print}' | bgzip -c > ${out}`,
      };
    case 'header-only':
      return { explanation: 'The file has a header but no variant records.', fix: 'Export the data again; check that the export step wrote the genotypes.' };
    case 'vcf-header':
      if (d.missing === 'fileformat')
        return {
          explanation: 'The VCF header must start with the ##fileformat line (e.g. ##fileformat=VCFv4.2); this file has none.',
          fix: `Add the line: gzip -dc ${file} | awk 'NR == 1 && !/^##fileformat=/{print "##fileformat=VCFv4.2"} {print}' | bgzip -c > ${out}`,
        };
      return {
        explanation: 'The VCF header must end with the #CHROM line that names the columns and the samples; this file has none.',
        fix: 'Export the genotypes again with bcftools or PLINK 2 to get a complete header.',
      };
    case 'invalid-chromosome': {
      const keep = list(d.keep);
      const chromosome = String(d.chromosome ?? '');
      if (keep.length === 0)
        return {
          explanation: `Chromosome ${chromosome || '(none)'} cannot be imputed. The servers impute chromosomes 1-22 and X (with 'chr' for hg38).`,
          fix: 'Remove this file from the upload.',
        };
      return {
        explanation: `The first chromosome in this file, ${chromosome}, cannot be imputed. The servers impute chromosomes 1-22 and X (with 'chr' for hg38).`,
        fix: `Keep only ${keep.length === 1 ? 'chromosome' : 'the chromosomes'} ${keep.join(', ')}: bcftools view -t ${keep.map(q).join(',')} -Oz -o ${out} ${file}`,
      };
    }
    case 'sample-count-mismatch': {
      const names = list(d.names);
      const [first, ...rest] = names.length > 0 ? names : [String(d.name ?? 'in.vcf.gz')];
      const index = list(d.noContig).length > 0 ? 'tabix -f -p vcf "$f" && ' : '';
      return {
        explanation: `All files must contain the same samples; their numbers differ (${count(d.a)} vs ${count(d.b)}). The command keeps the samples found in every file.`,
        fix:
          `Keep the common samples: bcftools query -l ${q(first)} | sort -u > common_samples.txt && ` +
          (rest.length > 0
            ? `for f in ${rest.map(q).join(' ')}; do bcftools query -l "$f" | sort -u | comm -12 common_samples.txt - > common_samples.tmp && mv common_samples.tmp common_samples.txt; done && `
            : '') +
          `for f in ${[first, ...rest].map(q).join(' ')}; do ${index}bcftools view -S common_samples.txt -Oz -o "\${f%.vcf.gz}.common.vcf.gz" "$f"; done`,
      };
    }
    case 'too-few-samples':
      return {
        explanation: `The server needs at least ${d.min ?? 20} samples per job (phasing and QC need a population); this job has ${count(d.n)}.`,
        fix: 'Add more samples to the files, for example by merging with another cohort genotyped on the same array (bcftools merge).',
      };
    case 'too-many-samples':
      return {
        explanation: `The server accepts at most ${count(d.max)} samples per job; this job has ${count(d.n)}.`,
        fix: `Split the samples into batches and submit one job per batch: ${batchCommand(d)}`,
      };
    case 'policy-max-samples':
      return {
        explanation: `${d.source === 'TOPMed FAQ' ? 'TOPMed’s' : 'The server’s'} documented policy allows at most ${count(d.max)} samples per job (${d.source ?? 'documentation'}); this job has ${count(d.n)}. The pipeline itself accepts more, so the job may run, but the service may ask you to split it.`,
        fix: `To stay within the policy, split the samples into batches and submit one job per batch: ${batchCommand(d)}`,
      };
    case 'policy-snp-density':
      return {
        explanation: `${d.source === 'TOPMed FAQ' ? 'TOPMed’s' : 'The server’s'} documented policy allows on average at most ${count(d.max)} SNPs per ${d.sizeMb ?? 10} Mb chunk (${d.source ?? 'documentation'}); this job has ${count(d.snps)} SNPs in ${count(d.chunks)} chunks (${count(Math.round(Number(d.snps) / Math.max(1, Number(d.chunks))))} per chunk). Imputation is meant for genotyping-array data.`,
        fix: 'If the data come from sequencing, keep only the sites of your genotyping array (bcftools view -R with the array’s site list).',
      };
    case 'build-prefix': {
      const to = d.build === 'hg19' ? 'plain' : 'chr';
      const rename = `gzip -dc ${file} | ${awk({ rename: to })} | bgzip -c > ${out}`;
      if (d.build === 'hg19')
        return {
          explanation: "hg19 (GRCh37) data must name chromosomes without 'chr' (e.g. 20). Either the data is hg38, or the names need changing.",
          fix: `If the data is hg38, choose build hg38. Otherwise remove the 'chr': ${rename}`,
        };
      return {
        explanation: "hg38 (GRCh38) data must name chromosomes with 'chr' (e.g. chr20). Either the data is hg19, or the names need changing.",
        fix: `If the data is hg19, choose build hg19. Otherwise add 'chr': ${rename}`,
      };
    }
    case 'unphased-no-phasing':
      return {
        explanation: "The genotypes are unphased ('/'), so the server must phase them first.",
        fix: "Choose a phasing engine (Eagle or Beagle) instead of 'No phasing'.",
      };
    case 'phasing-option':
      return {
        explanation: `This server does not offer the phasing option '${d.phasing ?? ''}'.`,
        fix: 'Choose Eagle or Beagle, or No phasing for phased data.',
      };
    case 'duplicate-chromosome':
      return duplicateChromosome(d);
    case 'no-vcf-files':
      return {
        explanation: 'No file name ends in .vcf.gz; the server ignores other files.',
        fix: 'Compress the files with bgzip so the names end in .vcf.gz.',
      };
    case 'file-extension': {
      const target = q(`${stem(d.name)}.vcf.gz`);
      const explanation = 'The server only reads files whose names end in .vcf.gz; this one would be ignored.';
      if (d.format === 'bgzf') return { explanation, fix: `It is already bgzip-compressed: rename it to ${stem(d.name)}.vcf.gz.` };
      if (d.format === 'text') return { explanation, fix: `Compress it with bgzip: bgzip -c ${file} > ${target}` };
      if (d.format === 'gzip') return { explanation, fix: `Compress it again with bgzip: gzip -dc ${file} | bgzip -c > ${target}` };
      if (d.format === 'bcf') return { explanation, fix: `Convert it to VCF: bcftools view -Oz -o ${target} ${file}` };
      return { explanation, fix: 'Export the genotypes as VCF compressed with bgzip, one file per chromosome, named *.vcf.gz.' };
    }
    case 'not-vcf-files':
      return { explanation: 'None of the files could be read as VCF.', fix: 'Export the genotypes as bgzip-compressed VCF, one file per chromosome.' };
    case 'bgzf-eof':
      return {
        explanation:
          'The BGZF end-of-file marker is missing: the file may have been cut short at a block boundary. tabix on the server accepts it, but lost records would go unnoticed.',
        fix: `If the file is complete (the same size as the original), compress it again to add the marker: gzip -dc ${file} | bgzip -c > ${out}`,
      };
    case 'no-gt':
      return {
        explanation: 'Records have no GT (genotype) as the first FORMAT field. The server validates the file but imputation needs hard-called genotypes.',
        fix: 'Export hard-called genotypes (in PLINK 2, the option --export vcf bgz does this).',
      };
    case 'chunk-low-snps':
      return {
        explanation: `${d.n ?? 'Some'} chunk(s) have fewer than ${d.min ?? ''} usable SNPs and would be skipped: those regions get no imputed output. ${ESTIMATE}`,
        fix: 'Usually fine for sparse regions; dense arrays should not be affected.',
      };
    case 'chunk-low-call-rate': {
      const size = Number(d.chunkSize ?? 20_000_000);
      return {
        explanation: `${d.n ?? 'Some'} chunk(s) contain a sample with a call rate under 50 %; the server drops the whole chunk for everyone. ${ESTIMATE}`,
        fix:
          `Remove the samples missing more than half of their genotypes in a chunk: bcftools query -f '[%POS\\t%SAMPLE\\t%GT\\n]' ${file} | ` +
          `awk -F'\\t' -v size=${size} '{k = $2 SUBSEP int(($1 - 1) / size); n[k]++; if ($3 ~ /^\\.([\\/|]\\.)?$/) m[k]++} END{for (k in n) if (m[k] > n[k] / 2) {split(k, a, SUBSEP); print a[1]}}' | ` +
          `sort -u > low_call_rate_samples.txt && ${indexFirst(d, file)}bcftools view -S ^low_call_rate_samples.txt -Oz -o ${out} ${file}`,
      };
    }
    case 'no-chunks-passed':
      return {
        explanation: `Every chunk would be excluded by QC, so imputation cannot start. ${ESTIMATE}`,
        fix: 'Fix the chunk warnings above (too few SNPs, or samples with many missing genotypes).',
      };
    case 'unreadable':
      return { explanation: 'The file could not be opened.', fix: 'Check that the file exists and is readable.' };
    default:
      return { explanation: 'The server would reject this input.', fix: 'See the server message.' };
  }
}

/** One chromosome in several files: put them together, the way that fits how they were split. */
function duplicateChromosome(d: Detail): Advice {
  const names = list(d.names);
  const chromosome = String(d.chromosome ?? '');
  const shown = names.join(', ');
  const explanation = `Chromosome ${chromosome} is in ${names.length} files (${shown}). The server accepts that, but imputes the chromosome once per file, so the results overlap.`;
  const to = namingFor(d.build);
  const target = q(`chr${chromosome}.combined.vcf.gz`);
  if (d.relation === 'same-samples') {
    // split by position: one stream with the first header, one naming, then sorted
    const add = missingContigs({ raws: renamed(chromosome, to), contigs: d.contigs }, to);
    return {
      explanation: `${explanation} The files hold the same samples, so they are parts of one chromosome.`,
      fix: `Join them into one file: gzip -dc ${names.map(q).join(' ')} | ${awk({ firstHeaderOnly: true, rename: to, addContigs: add })} | bcftools sort -Oz -o ${target} -`,
    };
  }
  if (d.relation === 'different-samples') {
    const rename = new Set(list(d.rename));
    const steps: string[] = [];
    const inputs = names.map((name) => {
      if (!rename.has(name)) return q(name);
      const renamedFile = outName(name, 'renamed');
      steps.push(`gzip -dc ${q(name)} | ${awk({ rename: to })} | bgzip -c > ${renamedFile}`);
      return renamedFile;
    });
    for (const input of inputs) steps.push(`tabix -f -p vcf ${input}`);
    steps.push(`bcftools merge -Oz -o ${target} ${inputs.join(' ')}`);
    return {
      explanation: `${explanation} The files hold different samples, so they are one chromosome of several cohorts.`,
      fix: `Merge them into one file: ${steps.join(' && ')}`,
    };
  }
  return {
    explanation: `${explanation} The files share some samples but not all.`,
    fix: 'Decide which samples to keep, then combine the files into one: bcftools merge for different samples, or bcftools concat for the same samples.',
  };
}
