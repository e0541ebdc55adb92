import type { FinishedRun } from './trainer-state.js';

/**
 * Returns the index of the run to keep, by the one-standard-error rule: the largest L2
 * strength whose best validation loss is within one standard error of the lowest one.
 * Validation losses of nearby strengths often differ by less than their noise, and the
 * larger strength gives the smaller weights.
 */
export function chooseCandidate(
  runs: readonly Pick<FinishedRun, 'l2Strength' | 'bestValidationLoss' | 'bestValidationLossStdError'>[],
): number {
  let best = 0;
  runs.forEach((run, i) => {
    if ((run.bestValidationLoss ?? Infinity) < (runs[best].bestValidationLoss ?? Infinity)) {
      best = i;
    }
  });

  const limit = (runs[best].bestValidationLoss ?? Infinity) + (runs[best].bestValidationLossStdError ?? 0);
  let chosen = best;
  runs.forEach((run, i) => {
    if ((run.bestValidationLoss ?? Infinity) <= limit && run.l2Strength > runs[chosen].l2Strength) {
      chosen = i;
    }
  });
  return chosen;
}
