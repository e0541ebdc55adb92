// Public API of the linear probe: the last layer that replaces VGG16's ImageNet classifier.
export { LinearProbeError, isLinearProbeError, type LinearProbeErrorCode } from './errors.js';
export type { FeatureBatch, FeatureDataset, FeatureSource, FloatArray, PassOptions } from './types.js';
export {
  buildDataset,
  createInMemorySource,
  InMemoryFeatureSource,
  sortLabels,
  type LabelledVector,
} from './dataset.js';
export {
  DEFAULT_L2_CANDIDATES,
  DEFAULT_LEARNING_RATE_SCALE,
  resolveHyperparameters,
  type Hyperparameters,
  type LearningRateSchedule,
  type TrainingProps,
} from './hyperparameters.js';
export type { LossConfig, LossType } from './loss.js';
export { softmax, softmaxCrossEntropy, type SampleLoss } from './softmax-loss.js';
export { createMulticlassHingeLoss, type HingeLossOptions } from './svm-loss.js';
export { l2Penalty } from './l2-penalty.js';
export { computeObjective, type ObjectiveGradient, type ObjectiveInput } from './objective.js';
export { CONSTANT_DIMENSION_TOLERANCE, StandardizationAccumulator, type Standardization } from './standardization.js';
export { glorotUniform } from './initialization.js';
export { Prng } from './prng.js';
export type { EpochRecord, StopReason } from './sgd-run.js';
export {
  LinearProbeTrainer,
  type EpochEvent,
  type LinearProbeTrainerProps,
  type RunOptions,
  type RunStatus,
  type TrainingSources,
} from './trainer.js';
export type { TrainerPhase } from './trainer-state.js';
export { CHECKPOINT_SCHEMA_VERSION } from './checkpoint.js';
export { trainLinearProbe } from './train-linear-probe.js';
export type { BackboneInfo, L2SearchResult, LinearModel, TrainingSummary } from './model.js';
export {
  computeEvaluation,
  type ClassMetrics,
  type ConfidentMistake,
  type EvaluationOptions,
  type EvaluationReport,
  type ScoredSamples,
} from './metrics.js';
export { chooseThresholds } from './thresholds.js';
export { evaluateModel } from './evaluate.js';
export { predict, type ClassScore, type Prediction, type PredictOptions, type RejectionReason } from './predict.js';
export { deserializeModel, MODEL_SCHEMA_VERSION, serializeModel, type ExpectedModel } from './model-artifact.js';
