/**
 * Run notes as sanitized Markdown: `marked` renders, DOMPurify removes everything that could
 * run (scripts, event handlers, `javascript:`/`data:` URLs, forms, styles, frames). Links open
 * in a new tab without an opener; images load only from `data:image/(png|jpeg|gif|webp)` so a
 * note cannot make the page fetch from the network or track its reader.
 * @module
 */
import DOMPurify from 'dompurify';
import { Marked } from 'marked';

const marked = new Marked({ gfm: true, breaks: false, async: false });

const SAFE_IMAGE = /^data:image\/(png|jpeg|gif|webp);base64,[a-z0-9+/=\s]+$/iu;
const SAFE_LINK = /^(https?:|mailto:|#)/iu;

let purifier: ReturnType<typeof DOMPurify> | undefined;

function purify(): ReturnType<typeof DOMPurify> {
  if (purifier !== undefined) return purifier;
  const instance = DOMPurify(window);
  instance.addHook('afterSanitizeAttributes', (node) => {
    if (node.tagName === 'A') {
      const href = node.getAttribute('href') ?? '';
      if (!SAFE_LINK.test(href.trim())) node.removeAttribute('href');
      else {
        node.setAttribute('target', '_blank');
        node.setAttribute('rel', 'noopener noreferrer nofollow');
      }
    }
    if (node.tagName === 'IMG' && !SAFE_IMAGE.test(node.getAttribute('src') ?? '')) {
      node.removeAttribute('src');
      node.removeAttribute('srcset');
    }
  });
  purifier = instance;
  return instance;
}

/** Markdown to sanitized HTML (a string safe to insert with `unsafeHTML`). */
export function renderMarkdown(markdown: string): string {
  const raw = marked.parse(markdown, { async: false });
  return purify().sanitize(raw, {
    USE_PROFILES: { html: true },
    FORBID_TAGS: ['marquee', 'style', 'form', 'input', 'button', 'textarea', 'select', 'iframe', 'object', 'embed', 'svg', 'math', 'link', 'meta', 'base'],
    FORBID_ATTR: ['style', 'srcset', 'action', 'formaction', 'xlink:href'],
    ALLOW_DATA_ATTR: false,
  });
}
