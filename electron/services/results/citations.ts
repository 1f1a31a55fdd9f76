// The citations each server asks for, from citations.json (one data file, each entry with the page
// it was read from).
import { z } from 'zod';
import data from './citations.json';
import type { MethodsRecord } from '../../ipc/contract';

const entry = z.object({ id: z.string(), why: z.string(), source: z.string().url() });
const file = z.object({
  references: z.record(z.string(), z.object({ text: z.string(), doi: z.string().nullable() })),
  servers: z.record(z.string(), z.array(entry)),
  phasing: z.record(z.string(), z.array(entry)),
});
const citations = file.parse(data);

/** Which list a server uses: TOPMed's and Michigan's own pages, else the pipeline's README. */
export function citationSet(serverKind: string, serverUrl: string): string {
  if (serverKind === 'topmed' || /biodatacatalyst\.nhlbi\.nih\.gov/.test(serverUrl)) return 'topmed';
  if (serverKind === 'michigan' || /imputationserver\.sph\.umich\.edu/.test(serverUrl)) return 'michigan';
  return 'imputationserver2';
}

export function citationsFor(serverKind: string, serverUrl: string, phasing: string | null): MethodsRecord['citations'] {
  const list = [...(citations.servers[citationSet(serverKind, serverUrl)] ?? []), ...(phasing ? (citations.phasing[phasing] ?? []) : [])];
  const seen = new Set<string>();
  return list.flatMap((item) => {
    const reference = citations.references[item.id];
    if (!reference || seen.has(item.id)) return [];
    seen.add(item.id);
    return [{ id: item.id, text: reference.text, doi: reference.doi, why: item.why, source: item.source }];
  });
}
