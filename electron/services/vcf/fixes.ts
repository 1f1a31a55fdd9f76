// What each failed rule means and how to fix it (usually a bcftools/bgzip command).
// `in.vcf.gz` stands for the user's file; commands use the real file name when known.
import type { RuleFailure } from './rules';

export interface Advice {
  explanation: string;
  fix: string;
}

const q = (name: unknown): string => {
  const s = String(name ?? 'in.vcf.gz');
  return /^[\w.@%+=:,/-]+$/.test(s) ? s : `'${s.replaceAll("'", "'\\''")}'`;
};
const stem = (name: unknown): string =>
  String(name ?? 'in.vcf.gz')
    .replace(/\.vcf\.gz$/, '')
    .replace(/\.(vcf|bcf|gz)$/, '');

const RENAME_TO_PLAIN = 'for i in $(seq 1 22) X; do echo "chr$i $i"; done > chr_map.txt';
const RENAME_TO_CHR = 'for i in $(seq 1 22) X; do echo "$i chr$i"; done > chr_map.txt';

export function adviceFor(f: RuleFailure): Advice {
  const d = f.detail ?? {};
  const file = q(d.name);
  const out = q(`${stem(d.name)}.fixed.vcf.gz`);
  switch (f.rule) {
    case 'not-bgzf':
      if (d.format === 'gzip')
        return {
          explanation: 'The file is compressed with ordinary gzip. The server needs bgzip (BGZF) compression so it can index the file with tabix.',
          fix: `zcat ${file} | bgzip -c > ${out} && tabix -p vcf ${out}`,
        };
      if (d.format === 'text')
        return {
          explanation: 'The file is plain (uncompressed) text although its name ends in .vcf.gz. The server needs it compressed with bgzip.',
          fix: `bgzip -c ${file} > ${out} && tabix -p vcf ${out}`,
        };
      return {
        explanation: 'The file is not bgzip-compressed VCF (it is empty, or binary data of another kind). The server can only index bgzip-compressed VCF text.',
        fix: `Export the genotypes again as VCF and compress with bgzip, e.g. plink2 --bfile DATA --export vcf bgz --out ${stem(d.name)}`,
      };
    case 'bcf':
      return {
        explanation: 'The file is BCF (binary VCF) although its name ends in .vcf.gz. The server accepts only bgzip-compressed VCF text.',
        fix: `bcftools view -Oz -o ${out} ${file}`,
      };
    case 'truncated':
    case 'corrupt':
      return {
        explanation:
          'The compressed data stops or breaks in the middle of a block: the file was cut short (interrupted copy or download) or is damaged. tabix on the server fails on it.',
        fix: `Copy or export the file again, then check it with: bgzip -t ${file}`,
      };
    case 'unsorted':
      return {
        explanation: 'Positions go backwards inside a chromosome. tabix on the server needs the records sorted by position.',
        fix: `bcftools sort -Oz -o ${out} ${file}`,
      };
    case 'chromosome-blocks':
      return {
        explanation:
          'Records of one chromosome are not together (another chromosome comes in between). tabix on the server needs each chromosome in one block.',
        fix: `bcftools sort -Oz -o ${out} ${file}`,
      };
    case 'tabix-parse':
      return {
        explanation:
          'A record line could not be read: columns must be separated by tabs and POS must be a number. Spaces instead of tabs, or an empty line, cause this.',
        fix: `zcat ${file} | sed -e '/^#/!s/ \\+/\\t/g' -e '/^$/d' | bgzip -c > ${out}`,
      };
    case 'not-tab-delimited':
      return {
        explanation: 'A record has fewer than three tab-separated columns (columns separated by spaces?).',
        fix: `zcat ${file} | sed '/^#/!s/ \\+/\\t/g' | bgzip -c > ${out}`,
      };
    case 'too-few-columns':
      return {
        explanation:
          'A record has fewer than 10 columns, so it carries no genotypes (a sites-only VCF?). The server needs FORMAT with GT and one column per sample.',
        fix: 'Export the genotypes again including samples, e.g. plink2 --bfile DATA --export vcf bgz --out OUT',
      };
    case 'bad-position':
      return {
        explanation: 'POS is not a whole number the server can read (at most 2,147,483,647).',
        fix: `zcat ${file} | grep -v '^#' | awk '$2 !~ /^[0-9]+$/' | head`,
      };
    case 'multiple-chromosomes':
      return {
        explanation: 'The file contains more than one chromosome. The server needs one file per chromosome.',
        fix: `tabix -p vcf ${file} && for c in $(tabix -l ${file}); do bcftools view -r "$c" -Oz -o ${q(stem(d.name))}."$c".vcf.gz ${file}; done`,
      };
    case 'ref-equals-alt':
      return {
        explanation: 'A record has the same allele as REF and ALT, which the server rejects.',
        fix: `bcftools view -e 'REF==ALT' -Oz -o ${out} ${file}`,
      };
    case 'duplicate-sample':
      return {
        explanation: 'A sample ID occurs more than once in the #CHROM line. Every sample needs a unique ID.',
        fix: `bcftools query -l ${file} | sort | uniq -d   # list duplicates; then rename: bcftools reheader -s new_ids.txt -o ${out} ${file}`,
      };
    case 'header-only':
      return { explanation: 'The file has a header but no variant records.', fix: 'Export the data again; check that the export step wrote the genotypes.' };
    case 'vcf-header':
      return {
        explanation: 'The VCF header is incomplete: it must start with ##fileformat=VCFv4.x and end with the #CHROM line naming the samples.',
        fix: `bcftools view -h ${file} | head   # inspect; export again with bcftools or plink2 to get a valid header`,
      };
    case 'invalid-chromosome':
      return {
        explanation: `Chromosome ${d.chromosome ?? ''} cannot be imputed. The servers accept chromosomes 1-22 and X (with 'chr' for hg38).`.replace('  ', ' '),
        fix: `Remove this file from the upload, or keep only valid chromosomes: bcftools view -t ^Y,MT -Oz -o ${out} ${file}`,
      };
    case 'sample-count-mismatch':
      return {
        explanation: 'All files must contain the same samples; their numbers differ.',
        fix: `bcftools query -l FILE > samples.txt on each file to compare, then keep the common ones: bcftools view -S common.txt -Oz -o ${out} ${file}`,
      };
    case 'too-few-samples':
      return {
        explanation: `The server needs at least ${d.min ?? 20} samples per job (phasing and QC need a population).`,
        fix: 'Add more samples to the files (e.g. bcftools merge with another cohort on the same array).',
      };
    case 'too-many-samples':
      return {
        explanation: `The server accepts at most ${d.max ?? ''} samples per job.`,
        fix: `Split the samples into batches and submit one job per batch: bcftools query -l ${file} | split -l ${d.max ?? 20000} - batch_; bcftools view -S batch_aa -Oz -o ${q(`${stem(d.name)}.batch_aa.vcf.gz`)} ${file}`,
      };
    case 'build-prefix':
      if (d.build === 'hg19')
        return {
          explanation: "hg19 (GRCh37) data must name chromosomes without 'chr' (e.g. 20). Either the data is hg38, or the names need changing.",
          fix: `If the data is hg38, choose build hg38. Otherwise: ${RENAME_TO_PLAIN}; bcftools annotate --rename-chrs chr_map.txt -Oz -o ${out} ${file}`,
        };
      return {
        explanation: "hg38 (GRCh38) data must name chromosomes with 'chr' (e.g. chr20). Either the data is hg19, or the names need changing.",
        fix: `If the data is hg19, choose build hg19. Otherwise: ${RENAME_TO_CHR}; bcftools annotate --rename-chrs chr_map.txt -Oz -o ${out} ${file}`,
      };
    case 'unphased-no-phasing':
      return {
        explanation: "The genotypes are unphased ('/'), so the server must phase them first.",
        fix: "Choose a phasing engine (Eagle; Beagle on Michigan) instead of 'No phasing'.",
      };
    case 'phasing-option':
      return {
        explanation: `This server does not offer the phasing option '${d.phasing ?? ''}'.`,
        fix: 'Choose Eagle, or No phasing for phased data (Beagle only on Michigan).',
      };
    case 'one-file-per-chromosome':
      return {
        explanation: `Chromosome ${d.chromosome ?? ''} is in two files (${d.a ?? ''} and ${d.b ?? ''}). TOPMed accepts one file per chromosome.`,
        fix: `Combine them: bcftools merge (different samples) or bcftools concat -a (different regions), e.g. bcftools merge -Oz -o chr${d.chromosome ?? ''}.vcf.gz ${q(d.a)} ${q(d.b)}`,
      };
    case 'snp-density':
      return {
        explanation: `TOPMed expects genotyping-array data: on average at most ${d.max ?? 20000} SNPs per 10 Mb chunk. This upload is denser (sequencing data?).`,
        fix: `Keep only the array sites, e.g. bcftools view -R array_sites.tsv -Oz -o ${out} ${file}`,
      };
    case 'no-vcf-files':
      return { explanation: 'No file name ends in .vcf.gz; the server ignores other files.', fix: 'Compress with bgzip so the names end in .vcf.gz.' };
    case 'file-extension':
      return {
        explanation: 'The server only reads files whose names end in .vcf.gz; this one would be ignored.',
        fix: `Rename or recompress: bgzip -c ${file} > ${q(`${stem(d.name)}.vcf.gz`)}`,
      };
    case 'not-vcf-files':
      return { explanation: 'None of the files could be read as VCF.', fix: 'Export the genotypes as bgzip-compressed VCF, one file per chromosome.' };
    case 'bgzf-eof':
      return {
        explanation:
          'The BGZF end-of-file marker is missing: the file may have been cut short. The server does not check this, but lost records would go unnoticed.',
        fix: `bgzip -t ${file}; if it reports truncation, copy or export the file again.`,
      };
    case 'no-gt':
      return {
        explanation: 'Records have no GT (genotype) as the first FORMAT field. The server validates the file but imputation needs hard-called genotypes.',
        fix: 'Export hard calls, e.g. plink2 --bfile DATA --export vcf bgz --out OUT',
      };
    case 'chunk-low-snps':
      return {
        explanation: `${d.n ?? 'Some'} chunk(s) have fewer than ${d.min ?? ''} usable SNPs and will be skipped: those regions get no imputed output.`,
        fix: 'Usually fine for sparse regions. Check the chunks below; dense arrays should not be affected.',
      };
    case 'chunk-low-call-rate':
      return {
        explanation: `${d.n ?? 'Some'} chunk(s) contain a sample with a call rate under 50 %; the server drops the whole chunk for everyone.`,
        fix: `Find and remove poorly genotyped samples: plink --vcf ${file} --mind 0.5 --make-bed --out qc   (or bcftools +smpl-stats), then bcftools view -S ^bad_samples.txt -Oz -o ${out} ${file}`,
      };
    case 'no-chunks-passed':
      return {
        explanation: 'Every chunk would be excluded by QC, so imputation cannot start.',
        fix: 'Fix the chunk warnings above (low SNP count or samples with many missing genotypes).',
      };
    case 'unreadable':
      return { explanation: 'The file could not be opened.', fix: 'Check that the file exists and is readable.' };
    default:
      return { explanation: 'The server would reject this input.', fix: 'See the server message.' };
  }
}
