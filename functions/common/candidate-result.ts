import type { LossType } from '../../shared/linear/index.js';

/** The EvaluateCandidate step's output: one item of the `$.candidates` list. */
export interface CandidateResult {
  readonly candidateId: string;
  readonly loss: LossType;
  /** The L2 strength the model was trained with (chosen by the search when not set). */
  readonly regularization: number;
  /** Whether the strength was chosen by the search over the probe's candidates. */
  readonly regularizationSearched: boolean;
  readonly validation: {
    readonly accuracy: number;
    readonly loss: number | null;
    readonly macroF1: number;
    readonly topKAccuracy: number;
    readonly topK: number;
    readonly sampleCount: number;
  };
  readonly train: {
    readonly accuracy: number;
    readonly loss: number | null;
    readonly sampleCount: number;
  };
  readonly epochs: number;
  readonly bestEpoch: number;
  readonly stopReason: string | null;
  readonly trainingSeconds: number;
  readonly modelKey: string;
  readonly evaluationKey: string;
}

/**
 * Picks the candidate to publish: highest validation accuracy, then lowest validation
 * loss, then the earlier candidate.
 */
export function bestCandidate(candidates: readonly CandidateResult[]): CandidateResult {
  if (candidates.length === 0) {
    throw new Error('no candidate finished training, so there is nothing to publish');
  }
  let best = candidates[0];
  for (const candidate of candidates.slice(1)) {
    const accuracyGain = candidate.validation.accuracy - best.validation.accuracy;
    const lossGain = (best.validation.loss ?? Infinity) - (candidate.validation.loss ?? Infinity);
    if (accuracyGain > 0 || (accuracyGain === 0 && lossGain > 0)) {
      best = candidate;
    }
  }
  return best;
}
