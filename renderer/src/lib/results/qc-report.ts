// The server's quality-control.html, made safe to show inside the app: DOMPurify removes scripts,
// frames, forms, event handlers and remote resources; links lose their targets (the report is shown
// in a sandboxed frame without scripts, so nothing in it can navigate or run).
import DOMPurify from 'dompurify';

let purifier: ReturnType<typeof DOMPurify> | null = null;

function instance(): ReturnType<typeof DOMPurify> {
  if (purifier) return purifier;
  const created = DOMPurify(window);
  created.addHook('afterSanitizeAttributes', (node) => {
    if (!(node instanceof Element)) return;
    // Only embedded images (R Markdown inlines its plots as data: URIs); nothing is fetched.
    const src = node.getAttribute('src');
    if (src !== null && !/^data:image\//i.test(src)) node.removeAttribute('src');
    if (node.tagName === 'A') {
      const href = node.getAttribute('href') ?? '';
      if (!href.startsWith('#')) node.removeAttribute('href');
      node.removeAttribute('target');
    }
  });
  purifier = created;
  return created;
}

export function sanitizeReport(html: string): string {
  return instance().sanitize(html, {
    WHOLE_DOCUMENT: true,
    ADD_TAGS: ['style'],
    FORBID_TAGS: [
      'script',
      'iframe',
      'frame',
      'frameset',
      'object',
      'embed',
      'form',
      'input',
      'button',
      'textarea',
      'select',
      'link',
      'meta',
      'base',
      'noscript',
    ],
    FORBID_ATTR: ['srcset', 'action', 'formaction', 'ping', 'background'],
    ALLOW_DATA_ATTR: false,
  });
}
