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

/** Like {@link deepText}, but finds the elements matching `selector` inside shadow trees too (elements composed by `<ef-viewer>`). */
export function shadowText(page: Page, selector: string): Promise<string> {
  return page.evaluate((sel) => {
    const walk = (node: Node): string => {
      let text = node.nodeType === Node.TEXT_NODE ? (node.textContent ?? '') : '';
      if (node instanceof Element && node.shadowRoot) text += walk(node.shadowRoot);
      for (const child of node.childNodes) text += walk(child);
      return text;
    };
    const found: Element[] = [];
    const search = (root: Document | ShadowRoot): void => {
      for (const el of root.querySelectorAll('*')) {
        if (el.matches(sel)) found.push(el);
        if (el.shadowRoot) search(el.shadowRoot);
      }
    };
    search(document);
    return found.map(walk).join('\n');
  }, selector);
}
