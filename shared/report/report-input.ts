import type { EpochLosses } from './learning-curve-svg.js';

/** Precision, recall and F1 of one class. */
export interface ReportClassMetrics {
  readonly label: string;
  readonly support: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

/** A misclassified image. */
export interface ReportMistake {
  readonly id: string;
  readonly predicted: string;
  readonly confidence: number;
}

/** One trained candidate of the run, for the comparison table. */
export interface ReportCandidate {
  readonly candidateId: string;
  readonly loss: string;
  readonly regularization: number;
  readonly validationAccuracy: number;
  readonly validationLoss: number | null;
  readonly macroF1: number;
  readonly trainAccuracy: number;
  readonly epochs: number;
  readonly stopReason: string | null;
  readonly published: boolean;
}

/** The validation result of one L2 strength that training tried. */
export interface ReportL2Trial {
  readonly l2Strength: number;
  /** Lowest validation loss over the epochs of this strength. */
  readonly bestValidationLoss: number | null;
  /** Standard error of `bestValidationLoss`. */
  readonly bestValidationLossStdError: number | null;
  /** Validation accuracy at the epoch of `bestValidationLoss`. */
  readonly bestValidationAccuracy: number | null;
  /** 0-based epoch of `bestValidationLoss`. */
  readonly bestEpoch: number;
  /** Epochs run with this strength. */
  readonly epochs: number;
}

/**
 * Training details of the published model. The training summary of a model artifact
 * (`LinearModel.training`) has these fields.
 */
export interface ReportTraining {
  /** 0-based epoch whose weights were kept. */
  readonly bestEpoch: number;
  /** Why the kept run ended: 'early-stopping' or 'max-epochs'. */
  readonly stopReason: string | null;
  /** The L2 strength of the kept run. */
  readonly l2Strength: number;
  /** Every L2 strength tried, in order. One entry when the training input set the strength. */
  readonly l2Search: readonly ReportL2Trial[];
  /** Epochs of the final run on every training image, or null when there was no such run. */
  readonly refitEpochs: number | null;
}

/** Everything the report shows about one model version. */
export interface ReportInput {
  readonly version: string;
  readonly createdAt: string;
  readonly runId: string;
  readonly loss: string;
  readonly backboneId: string;
  readonly featureLayer: string;
  readonly labels: readonly string[];
  readonly validation: {
    readonly accuracy: number;
    readonly loss: number | null;
    readonly macroF1: number;
    readonly topK: number;
    readonly topKAccuracy: number;
    readonly sampleCount: number;
    readonly perClass: readonly ReportClassMetrics[];
    readonly confusionMatrix: readonly (readonly number[])[];
    readonly mostConfidentlyWrong: Readonly<Record<string, readonly ReportMistake[]>>;
  };
  readonly train: { readonly accuracy: number; readonly sampleCount: number };
  readonly history: readonly EpochLosses[];
  readonly candidates: readonly ReportCandidate[];
  /**
   * The kept epoch and the L2 strengths tried. Without it the learning curves mark no
   * epoch, and the L2 section names the candidates listed in `hyperparameters` but not
   * their validation losses.
   * @default undefined
   */
  readonly training?: ReportTraining;
  /**
   * Resolved hyperparameters, shown as a table. `l2Strength` (null when the strength was
   * chosen automatically) and `l2Candidates` also feed the L2 section.
   */
  readonly hyperparameters: Readonly<Record<string, unknown>>;
}
