import { hashString } from './prng.js';

/**
 * Stratified validation split of the training source that needs no list of ids: a sample
 * is held out when the hash of its id is at most the threshold of its class. The thresholds
 * are chosen after one pass so that each class holds out round(fraction * count) samples
 * (at least 1), which makes the split exact per class and the same on every pass.
 */
export interface HoldoutSplit {
  readonly seed: number;
  /** Hash threshold per class; -1 holds out nothing. */
  readonly thresholds: readonly number[];
}

/** Returns the hash seed of the split for a run seed. */
export function holdoutSeed(runSeed: number): number {
  return (runSeed ^ 0x5bd1e995) >>> 0;
}

/** Checks whether the sample `id` of class `label` belongs to the validation part. */
export function isHeldOut(split: HoldoutSplit, id: string, label: number): boolean {
  return hashString(id, split.seed) <= split.thresholds[label];
}

/**
 * Chooses the thresholds from the id hashes of each class. Returns them with the number
 * of samples of each class that they hold out.
 */
export function chooseHoldout(
  seed: number,
  hashesPerClass: readonly number[][],
  fraction: number,
): { split: HoldoutSplit; heldOutCounts: number[] } {
  const thresholds: number[] = [];
  const heldOutCounts: number[] = [];

  for (const hashes of hashesPerClass) {
    if (hashes.length === 0) {
      thresholds.push(-1);
      heldOutCounts.push(0);
      continue;
    }
    const sorted = Float64Array.from(hashes).sort();
    const target = Math.max(1, Math.round(fraction * sorted.length));
    const threshold = sorted[target - 1];
    thresholds.push(threshold);
    heldOutCounts.push(sorted.filter((h) => h <= threshold).length);
  }

  return { split: { seed, thresholds }, heldOutCounts };
}
