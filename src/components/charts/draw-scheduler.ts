/**
 * One redraw budget for every chart on the page. Live updates mark charts dirty; a round draws
 * the dirty charts, one per task (so no single task holds the main thread for all of them), and
 * the next round starts no sooner than twice the last round's cost after it ended: drawing takes
 * at most about a third of the main thread however many charts and points there are, and input,
 * logging and the rest of the page stay smooth. With cheap charts a round runs every frame.
 *
 * Draws that should not wait for a frame (a chart's first draw, a changed option) go through
 * {@link drawInTask}: the first one in a task runs at once, so a lone chart is created in the same
 * frame as its render; further ones in the same task (a dashboard of charts whose data arrived
 * together) each get a task of their own, so no single task draws them all.
 * @module
 */

const pending = new Set<() => unknown>();
let armed = false;
let roundStart = 0;
let lastEnd = 0;
let lastCost = 0;

/** Asks for `draw` to run in the next round (once, however often it is asked). */
export function requestChartDraw(draw: () => unknown): void {
  pending.add(draw);
  arm();
}

/** Forgets a pending draw (a chart was disconnected or drew on its own). */
export function cancelChartDraw(draw: () => unknown): void {
  pending.delete(draw);
  const waiters = soon.get(draw);
  if (soon.delete(draw)) settle(draw, waiters);
}

/** Draws waiting for a task of their own (insertion order), with whoever waits for each. */
const soon = new Map<() => unknown, (() => void)[]>();
let taskTaken = false;
let channel: MessageChannel | undefined;

function settle(draw: () => unknown, waiters = soon.get(draw)): void {
  for (const w of waiters ?? []) w();
}

/** Marks the current task as having drawn; the next task (a message) frees it and runs one waiting draw. */
function takeTask(): void {
  taskTaken = true;
  if (channel === undefined) {
    channel = new MessageChannel();
    channel.port1.onmessage = () => {
      taskTaken = false;
      // One draw per task; draws that had nothing to draw (returned false) do not count.
      while (!taskTaken) {
        const next = soon.entries().next();
        if (next.done === true) return;
        const [draw, waiters] = next.value;
        soon.delete(draw);
        try {
          if (draw() !== false) takeTask();
        } finally {
          settle(draw, waiters);
        }
      }
    };
  }
  channel.port2.postMessage(null);
}

/**
 * Runs `draw` now when no other chart drew in this task, else in a task of its own soon (once,
 * however often it is asked); resolves after it ran. Replaces a pending frame-round draw. A draw
 * returns `false` when it had nothing to draw (the task stays free).
 */
export function drawInTask(draw: () => unknown): Promise<void> {
  pending.delete(draw);
  if (!taskTaken && !soon.has(draw)) {
    if (draw() !== false) takeTask();
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const waiters = soon.get(draw);
    if (waiters === undefined) soon.set(draw, [resolve]);
    else waiters.push(resolve);
  });
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
  for (const [i, draw] of draws.entries()) {
    // One chart per task: uPlot draws in a microtask after setData, inside this task.
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, 0));
    // Drawn meanwhile (a first draw, loaded()) or cancelled (disconnected): nothing left to do.
    if (!pending.delete(draw)) continue;
    if (draw() !== false) takeTask();
  }
  await new Promise((resolve) => setTimeout(resolve, 0));
  lastEnd = Math.max(lastEnd, performance.now());
  lastCost = Math.max(lastCost, lastEnd - roundStart);
  roundStart = 0;
  armed = false;
  if (pending.size > 0) arm();
}
