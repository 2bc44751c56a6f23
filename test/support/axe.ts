/**
 * axe-core in the page of a browser test: {@link seriousViolations} loads axe (once) and returns
 * the serious and critical violations under an element, shadow roots included.
 */
import type { AxeResults, ElementContext } from 'axe-core';

/** One violation, reduced to what a failing assertion should print. */
export interface AxeViolation {
  readonly id: string;
  readonly impact: string;
  readonly help: string;
  /** CSS selectors of the offending nodes (arrays for nodes inside shadow roots). */
  readonly targets: readonly unknown[];
}

/** Runs axe over `context` (default: the document) and returns its serious and critical violations. */
export async function seriousViolations(context: ElementContext = document): Promise<AxeViolation[]> {
  const { default: axe } = await import('axe-core');
  const results: AxeResults = await axe.run(context, { resultTypes: ['violations'] });
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact ?? '', help: v.help, targets: v.nodes.map((n) => [n.target, n.failureSummary]) }));
}
