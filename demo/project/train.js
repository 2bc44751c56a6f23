// A self-contained ES module (no imports), so it also runs in a browser Worker from a blob: URL.

/**
 * Fits y = 2x + 1 on 32 points by full-batch gradient descent.
 * @param {{alpha: number, epochs: number, noisy?: boolean, label?: string}} params typed parameters
 * @param {{logMetric: Function, logMetrics: Function, setTag: Function}} run the active run
 */
export async function train(params, run) {
  const { alpha, epochs, noisy = false } = params;
  let seed = 42;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) - 0.5;
  const xs = Array.from({ length: 32 }, (_, i) => i / 31);
  const ys = xs.map((x) => 2 * x + 1 + (noisy ? 0.2 * random() : 0));
  let w = 0;
  let b = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    let gw = 0;
    let gb = 0;
    let loss = 0;
    for (let i = 0; i < xs.length; i++) {
      const error = w * xs[i] + b - ys[i];
      loss += error * error;
      gw += 2 * error * xs[i];
      gb += 2 * error;
    }
    w -= (alpha * gw) / xs.length;
    b -= (alpha * gb) / xs.length;
    run.logMetric('mse', loss / xs.length, epoch);
  }
  run.logMetrics({ w, b });
  run.setTag('model', `y = ${w.toFixed(3)}x + ${b.toFixed(3)}`);
  if (params.label) run.setTag('label', params.label);
  return { w, b };
}

export default train;
