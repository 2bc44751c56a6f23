/** Reading what a page shows through shadow roots, for end-to-end tests of the web components. */
import type { Page } from 'playwright';

/** Text of every element matching `selector`, including the shadow trees below them, one per line. */
export function deepText(page: Page, selector: string): Promise<string> {
  return page.evaluate((sel) => {
    const walk = (node: Node): string => {
      let text = node.nodeType === Node.TEXT_NODE ? (node.textContent ?? '') : '';
      if (node instanceof Element && node.shadowRoot) text += walk(node.shadowRoot);
      for (const child of node.childNodes) text += walk(child);
      return text;
    };
    return [...document.querySelectorAll(sel)].map(walk).join('\n');
  }, selector);
}
