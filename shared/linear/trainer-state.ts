import type { ScanResult } from './data-scan.js';
import type { Hyperparameters } from './hyperparameters.js';
import type { EvaluationReport } from './metrics.js';
import type { BackboneInfo } from './model.js';
import type { EpochRecord, SgdRunState, StopReason } from './sgd-run.js';

/** Stage of a {@link LinearProbeTrainer}. */
export type TrainerPhase = 'scan' | 'train' | 'refit' | 'evaluate' | 'done';

/** Settings fixed when a trainer is created. */
export interface TrainerConfig {
  readonly labels: readonly string[];
  readonly dim: number;
  readonly hyperparameters: Hyperparameters;
  readonly backbone: BackboneInfo | null;
}

/** Result of a finished SGD run: its kept weights and losses. */
export interface FinishedRun {
  readonly l2Strength: number;
  readonly weights: Float32Array;
  readonly bias: Float32Array;
  readonly history: readonly EpochRecord[];
  readonly bestEpoch: number;
  readonly bestValidationLoss: number | null;
  readonly bestValidationLossStdError: number | null;
  readonly stopReason: StopReason | null;
}

/** Everything a trainer needs to continue, as saved in a checkpoint. */
export interface TrainerState {
  phase: TrainerPhase;
  scan: ScanResult | null;
  /** L2 strengths to train, in order: the search candidates or the one given. */
  candidates: readonly number[];
  /** Index of the candidate being trained. */
  candidateIndex: number;
  /** Finished runs, one per candidate, in candidate order. */
  finished: FinishedRun[];
  /** Index into `finished` of the chosen run, once every candidate has finished. */
  chosenIndex: number | null;
  /** The chosen L2 strength trained again on every sample of the training source. */
  refitted: FinishedRun | null;
  run: SgdRunState | null;
  validation: EvaluationReport | null;
  thresholds: number[] | null;
  /** Wall-clock seconds spent in run() so far. */
  seconds: number;
  /** Duration of the last epoch, used to predict whether the next one meets a deadline. */
  epochSeconds: number;
}
