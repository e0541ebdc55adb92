/** A numeric chart axis: the plotted range and the values that get a tick and a label. */
export interface AxisTicks {
  readonly min: number;
  readonly max: number;
  readonly ticks: readonly number[];
  readonly labels: readonly string[];
}

/** Tolerance for floating-point error when a value is compared with a multiple of a step. */
const EPSILON = 1e-9;

/** Returns the smallest step of the form 1, 2 or 5 times a power of 10 that is at least `rough`. */
export function niceStep(rough: number): number {
  if (!(rough > 0 && Number.isFinite(rough))) {
    throw new RangeError(`Invalid tick step ${rough}: pass a finite number greater than 0.`);
  }
  const power = 10 ** Math.floor(Math.log10(rough));
  const factor = [1, 2, 5].find((f) => f * power >= rough * (1 - EPSILON)) ?? 10;
  return roundFloat(factor * power);
}

/**
 * Places about `maxTicks` ticks at multiples of a nice step (see {@link niceStep}) and widens
 * [min, max] to the outer ticks. Every label has the decimals of the step, so `0.20` never
 * sits beside `0.4`.
 */
export function linearTicks(min: number, max: number, maxTicks = 6): AxisTicks {
  const [low, high] = max > min ? [min, max] : [min, min === 0 ? 1 : min + Math.abs(min)];
  const step = niceStep((high - low) / Math.max(1, maxTicks - 1));
  const first = Math.floor(low / step + EPSILON);
  const last = Math.ceil(high / step - EPSILON);

  const ticks: number[] = [];
  for (let i = first; i <= last; i++) {
    ticks.push(roundFloat(i * step));
  }
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + EPSILON));
  return {
    min: ticks[0],
    max: ticks[ticks.length - 1],
    ticks,
    labels: ticks.map((tick) => tick.toFixed(decimals)),
  };
}

/**
 * Places ticks for a log scale: the range widens to whole powers of 10, and when it spans
 * at most two decades, 2 and 5 times each power get a tick too. Both bounds must be
 * greater than 0.
 */
export function logTicks(min: number, max: number): AxisTicks {
  if (!(min > 0 && max >= min && Number.isFinite(max))) {
    throw new RangeError(`Invalid log axis range [${min}, ${max}]: both bounds must be finite and greater than 0.`);
  }
  const lowPower = Math.floor(Math.log10(min) + EPSILON);
  const highPower = Math.max(lowPower + 1, Math.ceil(Math.log10(max) - EPSILON));
  const factors = highPower - lowPower <= 2 ? [1, 2, 5] : [1];

  const ticks: number[] = [];
  for (let power = lowPower; power <= highPower; power++) {
    for (const factor of factors) {
      if (power < highPower || factor === 1) {
        ticks.push(roundFloat(factor * 10 ** power));
      }
    }
  }
  return {
    min: ticks[0],
    max: ticks[ticks.length - 1],
    ticks,
    labels: ticks.map((tick) => tick.toString()),
  };
}

/**
 * Returns round epoch numbers for an axis from epoch 1 to `lastEpoch` (1-based): multiples
 * of a nice step, about `maxTicks` of them, and epoch 1 unless it would crowd the first
 * multiple.
 */
export function epochTicks(lastEpoch: number, maxTicks = 10): number[] {
  if (lastEpoch <= 1) {
    return [1];
  }
  const step = Math.max(1, niceStep((lastEpoch - 1) / Math.max(1, maxTicks - 1)));
  const ticks = step - 1 > step / 2 ? [1] : [];
  for (let epoch = step; epoch <= lastEpoch; epoch += step) {
    ticks.push(epoch);
  }
  return ticks;
}

/** Removes the floating-point noise of a product such as 3 * 0.1 (0.30000000000000004). */
function roundFloat(value: number): number {
  return Number(value.toPrecision(12));
}
