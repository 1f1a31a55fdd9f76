// Dose VCFs shaped like chrN.dose.vcf.gz (FORMAT GT:DS, all samples) around the info fixtures.
import { writeFile } from 'node:fs/promises';
import { bgzfCompress } from '../../electron/services/vcf/bgzf-write';
import { infoField, infoHeader, type FixtureSite } from './info-fixtures';

export function doseText(chrom: string, sites: FixtureSite[], samples = 3): string {
  const header = infoHeader(chrom);
  header.splice(header.length - 1, 1);
  header.push(
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    '##FORMAT=<ID=DS,Number=1,Type=Float,Description="Estimated Alternate Allele Dosage : [P(0/1)+2*P(1/1)]">',
    '##mis_pipeline=v2.0.12',
    '##mis_phasing=eagle',
    '##mis_panel=hrc-r1.1',
    ['#CHROM', 'POS', 'ID', 'REF', 'ALT', 'QUAL', 'FILTER', 'INFO', 'FORMAT', ...Array.from({ length: samples }, (_, i) => `S${i + 1}`)].join('\t'),
  );
  const lines = [...header];
  sites.forEach((site, i) => {
    const cells = Array.from({ length: samples }, (_, s) => ((i + s) % 3 === 0 ? '0|1:1' : '0|0:0.012'));
    lines.push(`${chrom}\t${site.pos}\t${chrom}:${site.pos}:A:G\tA\tG\t.\tPASS\t${infoField(site)}\tGT:DS\t${cells.join('\t')}`);
  });
  return lines.join('\n') + '\n';
}

export async function writeDoseGz(path: string, chrom: string, sites: FixtureSite[], samples = 3): Promise<void> {
  await writeFile(path, bgzfCompress(doseText(chrom, sites, samples), { level: 1 }));
}
