/** Reading what a page shows through shadow roots, for end-to-end tests of the web components. */
import type { Page } from 'playwright';

/**
 * Text of the elements matching `selector`, including the shadow trees below them, one per line.
 * The elements are found in the document, or also inside shadow trees when `inShadowTrees`.
 */
function textOf(page: Page, selector: string, inShadowTrees: boolean): Promise<string> {
  return page.evaluate(
    ([sel, inShadow]) => {
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
          if (inShadow && el.shadowRoot) search(el.shadowRoot);
        }
      };
      search(document);
      return found.map(walk).join('\n');
    },
    [selector, inShadowTrees] as const,
  );
}

/** Text of every element matching `selector` in the document, including the shadow trees below them, one per line. */
export function deepText(page: Page, selector: string): Promise<string> {
  return textOf(page, selector, false);
}

/** Like {@link deepText}, but finds the elements matching `selector` inside shadow trees too (elements composed by `<ef-viewer>`). */
export function shadowText(page: Page, selector: string): Promise<string> {
  return textOf(page, selector, true);
}
