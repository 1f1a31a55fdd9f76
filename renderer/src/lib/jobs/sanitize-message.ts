// Server messages are HTML (docs/server-behaviour.md#steps-and-messages): only a small set of harmless tags survives,
// links keep their href (clicks are opened in the system browser by the component), and
// "Warning:" / "Error:" labels are marked so they can be styled as our own labels.
import DOMPurify from 'dompurify';

const ALLOWED_TAGS = [
  'b',
  'strong',
  'i',
  'em',
  'br',
  'p',
  'ul',
  'ol',
  'li',
  'table',
  'thead',
  'tbody',
  'tr',
  'td',
  'th',
  'code',
  'pre',
  'span',
  'div',
  'small',
  'a',
];

let purifier: ReturnType<typeof DOMPurify> | null = null;

function instance(): ReturnType<typeof DOMPurify> {
  if (purifier) return purifier;
  // Our own instance, so these hooks never affect another use of DOMPurify.
  const created = DOMPurify(window);
  created.addHook('uponSanitizeElement', (node) => {
    // Any leftover Bootstrap progress bar: our component shows the numbers instead.
    if (node instanceof Element && /\bprogress(?:-bar)?\b/.test(node.getAttribute('class') ?? '')) node.remove();
  });
  created.addHook('afterSanitizeAttributes', (node) => {
    if (node.nodeName === 'B' || node.nodeName === 'STRONG') {
      const text = (node.textContent ?? '').trim().toLowerCase();
      if (text === 'warning:' || text === 'error:') node.setAttribute('data-label', text.slice(0, -1));
    }
  });
  purifier = created;
  return created;
}

export function sanitizeMessage(html: string): string {
  return instance().sanitize(html, {
    ALLOWED_TAGS,
    ALLOWED_ATTR: ['href'],
    ALLOW_DATA_ATTR: false,
    // Web links and server-relative paths only (no javascript:, data:, file:).
    ALLOWED_URI_REGEXP: /^(?:https?:\/\/|\/(?!\/))/i,
  });
}
