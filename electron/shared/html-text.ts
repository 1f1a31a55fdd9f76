// Text the server sends HTML-escaped: job names (escaped at submit, docs/server-behaviour.md#escaped-values)
// and values inside its HTML messages. Decoded once, with a maintained entity decoder (the server
// uses every named HTML 4 entity for non-ASCII characters). Pure: main and the window.
import { decodeHTML } from 'entities';

export function decodeHtmlEntities(text: string): string {
  return text.includes('&') ? decodeHTML(text) : text;
}

/** A job's name as the user typed it; the job id when it has none. Decode here, and nowhere else. */
export function jobDisplayName(rawName: string | null | undefined, jobId: string): string {
  const name = decodeHtmlEntities(rawName ?? '').trim();
  return name === '' ? jobId : name;
}
