/**
 * Agents' messages as markdown, made safe: marked renders, DOMPurify keeps only harmless HTML
 * (no scripts, no event handlers, no javascript: URLs). Links open in a new tab without opener;
 * images from elsewhere are not loaded (the page's CSP allows only its own origin and data:).
 */
import DOMPurify from 'dompurify';
import { Marked } from 'marked';

const marked = new Marked({ gfm: true, breaks: true, async: false });

DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'A') {
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer');
  }
});

const cache = new Map<string, string>();

/** Sanitized HTML of a markdown text; memoized by `key` (an entry's stream id never changes). */
export function renderMarkdown(key: string, text: string): string {
  let html = cache.get(key);
  if (html === undefined) {
    html = DOMPurify.sanitize(marked.parse(text) as string, {
      USE_PROFILES: { html: true },
      FORBID_TAGS: ['style', 'form', 'input', 'button', 'textarea', 'select'],
    });
    cache.set(key, html);
  }
  return html;
}
