// Job names come back HTML-escaped by the server (cloudgene-api.md 5.2: the four XML entities,
// named HTML 4 entities, &#N;). The list shows them as text, so decode them once.
const XML: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

// Typed by hand: this module also runs in Node tests, where there is no document.
type TextArea = { innerHTML: string; value: string };
const page = (globalThis as { document?: { createElement(tag: 'textarea'): TextArea } }).document;
let decoder: TextArea | null = null;

function decodeNamed(entity: string): string {
  // A textarea decodes every named entity the browser knows and runs nothing.
  if (!page) return entity;
  decoder ??= page.createElement('textarea');
  decoder.innerHTML = entity;
  return decoder.value;
}

export function displayName(raw: string): string {
  if (!raw.includes('&')) return raw;
  return raw.replace(/&(#x[0-9a-f]+|#\d+|[a-z][a-z0-9]*);/gi, (entity, body: string) => {
    if (body[0] === '#') {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
    }
    return XML[body.toLowerCase()] ?? decodeNamed(entity);
  });
}
