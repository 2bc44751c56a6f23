/**
 * One redraw budget for every chart on the page. Live updates mark charts dirty; a round draws
 * the dirty charts, one per task (so no single task holds the main thread for all of them), and
 * the next round starts no sooner than twice the last round's cost after it ended: drawing takes
 * at most about a third of the main thread however many charts and points there are, and input,
 * logging and the rest of the page stay smooth. With cheap charts a round runs every frame.
 * @module
 */

const pending = new Set<() => void>();
let armed = false;
let roundStart = 0;
let lastEnd = 0;
let lastCost = 0;

/** Asks for `draw` to run in the next round (once, however often it is asked). */
export function requestChartDraw(draw: () => void): void {
  pending.add(draw);
  arm();
}

/** Forgets a pending draw (a chart was disconnected or drew on its own). */
export function cancelChartDraw(draw: () => void): void {
  pending.delete(draw);
}

/** Charts report the end of each uPlot draw here, so the round's cost includes uPlot's work. */
export function chartDrawn(): void {
  if (roundStart === 0) return;
  lastEnd = performance.now();
  lastCost = lastEnd - roundStart;
}

function arm(): void {
  if (armed) return;
  armed = true;
  const wait = lastEnd + 2 * lastCost - performance.now();
  const start = (): void => {
    requestAnimationFrame(() => void round());
  };
  if (wait > 4) setTimeout(start, wait);
  else start();
}

async function round(): Promise<void> {
  roundStart = performance.now();
  lastCost = 0;
  const draws = [...pending];
  pending.clear();
  for (const [i, draw] of draws.entries()) {
    // One chart per task: uPlot draws in a microtask after setData, inside this task.
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, 0));
    draw();
  }
  await new Promise((resolve) => setTimeout(resolve, 0));
  lastEnd = Math.max(lastEnd, performance.now());
  lastCost = Math.max(lastCost, lastEnd - roundStart);
  roundStart = 0;
  armed = false;
  if (pending.size > 0) arm();
}
