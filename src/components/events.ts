/**
 * The events the `ef-*` elements fire, added to `HTMLElementEventMap` so listeners are typed
 * (`table.addEventListener('ef-run-open', (e) => e.detail.runId)`). All bubble and are composed.
 * @module
 */
import type { ArtifactSelectDetail } from './ef-artifact-browser.js';
import type { ExperimentChangeDetail, ExperimentSelectDetail } from './ef-experiment-list.js';
import type { ChartOptionsDetail } from './ef-metric-chart.js';
import type { ModelChangeDetail } from './ef-model-registry.js';
import type { FileOpenDetail } from './ef-viewer.js';
import type { LoggedModelOpenDetail } from './ef-run-lineage.js';
import type { RunOpenDetail, RunSelectionDetail } from './ef-run-table.js';
import type { SortSpec } from './internal/run-columns.js';

declare global {
  interface HTMLElementEventMap {
    'ef-run-open': CustomEvent<RunOpenDetail>;
    'ef-selection-change': CustomEvent<RunSelectionDetail>;
    'ef-filter-change': CustomEvent<{ readonly filter: string }>;
    'ef-columns-change': CustomEvent<{ readonly columns: readonly string[] }>;
    'ef-sort-change': CustomEvent<{ readonly sort: SortSpec | null }>;
    'ef-experiment-select': CustomEvent<ExperimentSelectDetail>;
    'ef-experiment-change': CustomEvent<ExperimentChangeDetail>;
    'ef-chart-options-change': CustomEvent<ChartOptionsDetail>;
    'ef-artifact-select': CustomEvent<ArtifactSelectDetail>;
    'ef-model-change': CustomEvent<ModelChangeDetail>;
    'ef-file-open': CustomEvent<FileOpenDetail>;
    'ef-logged-model-open': CustomEvent<LoggedModelOpenDetail>;
  }
}

export type { ArtifactSelectDetail, ChartOptionsDetail, ExperimentChangeDetail, ExperimentSelectDetail, FileOpenDetail, LoggedModelOpenDetail, ModelChangeDetail, RunOpenDetail, RunSelectionDetail, SortSpec };
