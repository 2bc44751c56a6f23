/**
 * Errors of search expressions: `INVALID_PARAMETER_VALUE` with a message a filter box can show
 * inline (what is wrong, where, what was expected) and the position in `details`.
 * @module
 */
import type { ErrorDetails } from '../errors.js';
import { EdgeflowError, describeValue } from '../errors.js';

/** Which request field an expression came from. */
export type ExpressionField = 'filter' | 'order_by';

/** Where an error happened and what would have been accepted. */
export interface SyntaxProblem {
  /** Offset in the expression (UTF-16 code units). */
  readonly position: number;
  /** Length of the offending text (0 at the end of the expression). */
  readonly length: number;
  /** What is wrong, starting with a capital: `Invalid comparator '==' for param 'model'`. */
  readonly reason: string;
  /** What would have been accepted: `expected one of =, !=, LIKE, ILIKE`. */
  readonly expected?: string;
}

/**
 * Builds the error for a bad filter or `order_by` entry. The message reads
 * `<reason> at position <n> in filter "<text>": <expected>`; `details` carries `field`, the
 * expression, `position`, `length`, `reason` and `expected` for UIs that highlight the spot,
 * plus `extra` (e.g. the `index` of an order_by entry).
 */
export function expressionError(
  field: ExpressionField,
  source: string,
  problem: SyntaxProblem,
  extra?: ErrorDetails,
): EdgeflowError {
  const where = field === 'filter' ? 'filter' : 'order_by clause';
  const tail = problem.expected === undefined ? '' : `: ${problem.expected}`;
  const message = `${problem.reason} at position ${problem.position} in ${where} ${describeValue(source)}${tail}`;
  return EdgeflowError.invalidParameterValue(message, { details: {
    field,
    [field]: source,
    position: problem.position,
    length: problem.length,
    reason: problem.reason,
    ...(problem.expected === undefined ? {} : { expected: problem.expected }),
    ...extra,
  } });
}
