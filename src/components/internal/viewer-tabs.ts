/**
 * The tabs of `<ef-viewer>` (run details, compare, models) as a WAI-ARIA tab list: one tab stop,
 * ←/→ (Home/End) move to a tab and show it, and the panel is labelled by its tab.
 * @module
 */
import { html, type TemplateResult } from 'lit';
import { VIEWER_TABS, type ViewerTab } from './viewer-state.js';

const TAB_LABELS: Record<ViewerTab, string> = { details: 'Run details', compare: 'Compare', models: 'Models' };

/** The id of a tab's button (the panel's label). */
const tabId = (tab: ViewerTab): string => `tab-${tab}`;

/** The index of the tab a key moves to from `at`, or undefined for other keys. */
function movedTo(key: string, at: number): number | undefined {
  const last = VIEWER_TABS.length - 1;
  switch (key) {
    case 'ArrowRight':
      return at === last ? 0 : at + 1;
    case 'ArrowLeft':
      return at === 0 ? last : at - 1;
    case 'Home':
      return 0;
    case 'End':
      return last;
    default:
      return undefined;
  }
}

/** The tab list with `current` selected, and `panel` below it; `choose` shows another tab. */
export function renderViewerTabs(current: ViewerTab, choose: (tab: ViewerTab) => void, panel: TemplateResult): TemplateResult {
  const onKeyDown = (e: KeyboardEvent): void => {
    const to = movedTo(e.key, VIEWER_TABS.indexOf(current));
    if (to === undefined) return;
    e.preventDefault();
    const tab = VIEWER_TABS[to]!;
    choose(tab);
    (e.currentTarget as HTMLElement).querySelector<HTMLElement>(`#${tabId(tab)}`)?.focus();
  };
  return html`<div class="tabs" role="tablist" aria-label="Run panels" @keydown=${onKeyDown}>
      ${VIEWER_TABS.map(
        (tab) =>
          html`<button
            role="tab"
            id=${tabId(tab)}
            aria-selected=${current === tab ? 'true' : 'false'}
            aria-controls="tab-panel"
            tabindex=${current === tab ? '0' : '-1'}
            @click=${() => choose(tab)}
          >
            ${TAB_LABELS[tab]}
          </button>`,
      )}
    </div>
    <div id="tab-panel" role="tabpanel" aria-labelledby=${tabId(current)}>${panel}</div>`;
}
