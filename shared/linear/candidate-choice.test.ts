import { describe, expect, it } from 'vitest';
import { chooseCandidate } from './candidate-choice.js';

const run = (l2Strength: number, bestValidationLoss: number | null, bestValidationLossStdError = 0.01) => ({
  l2Strength,
  bestValidationLoss,
  bestValidationLossStdError,
});

describe('candidate choice', () => {
  it('picks the lowest loss when others are far', () => {
    expect(chooseCandidate([run(1e-3, 0.5), run(1e-2, 0.3), run(1e-1, 0.6)])).toBe(1);
  });

  it('prefers a larger lambda within one standard error', () => {
    expect(chooseCandidate([run(1e-3, 0.30), run(1e-2, 0.305), run(1e-1, 0.309), run(1, 0.4)])).toBe(2);
  });

  it('ignores a larger lambda beyond one standard error', () => {
    expect(chooseCandidate([run(1e-3, 0.30), run(1e-1, 0.311)])).toBe(0);
  });

  it('keeps a single run without validation', () => {
    expect(chooseCandidate([run(1e-3, null, 0)])).toBe(0);
  });
});
