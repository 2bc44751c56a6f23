/**
 * Two-dimensional toy data sets generated in the page (nothing is downloaded): interleaved
 * spirals and two moons, with Gaussian noise and a seeded generator so runs are comparable.
 * @module
 */

/** A data set: points (x, y) and class labels. */
export interface Dataset {
  readonly name: 'spiral' | 'moons';
  readonly xs: Float32Array;
  readonly labels: Int32Array;
  readonly classes: number;
}

/** Mulberry32: a small seeded PRNG. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** `classes` interleaved spiral arms, `perClass` points each. */
export function spiral(perClass: number, classes: number, noise: number, seed = 1): Dataset {
  const random = rng(seed);
  const n = perClass * classes;
  const xs = new Float32Array(n * 2);
  const labels = new Int32Array(n);
  for (let c = 0; c < classes; c++) {
    for (let i = 0; i < perClass; i++) {
      const r = i / perClass;
      const t = (c * 4 + 4 * r) * 1.0 + gaussian(random) * noise;
      const k = c * perClass + i;
      xs[2 * k] = r * Math.sin(t);
      xs[2 * k + 1] = r * Math.cos(t);
      labels[k] = c;
    }
  }
  return { name: 'spiral', xs, labels, classes };
}

/** Two interleaving half circles. */
export function moons(perClass: number, noise: number, seed = 1): Dataset {
  const random = rng(seed);
  const n = perClass * 2;
  const xs = new Float32Array(n * 2);
  const labels = new Int32Array(n);
  for (let i = 0; i < perClass; i++) {
    const t = (Math.PI * i) / perClass;
    xs[2 * i] = (Math.cos(t) - 0.5) / 1.5 + gaussian(random) * noise * 0.3;
    xs[2 * i + 1] = (Math.sin(t) - 0.25) / 1.5 + gaussian(random) * noise * 0.3;
    labels[i] = 0;
    const k = perClass + i;
    xs[2 * k] = (1 - Math.cos(t) - 0.5) / 1.5 + gaussian(random) * noise * 0.3;
    xs[2 * k + 1] = (0.5 - Math.sin(t) - 0.25) / 1.5 + gaussian(random) * noise * 0.3;
    labels[k] = 1;
  }
  return { name: 'moons', xs, labels, classes: 2 };
}

/** Shuffles points and labels together (seeded). */
export function shuffle(data: Dataset, seed = 7): Dataset {
  const random = rng(seed);
  const n = data.labels.length;
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const xs = new Float32Array(n * 2);
  const labels = new Int32Array(n);
  order.forEach((from, to) => {
    xs[2 * to] = data.xs[2 * from]!;
    xs[2 * to + 1] = data.xs[2 * from + 1]!;
    labels[to] = data.labels[from]!;
  });
  return { ...data, xs, labels };
}
