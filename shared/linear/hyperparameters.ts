import { LinearProbeError } from './errors.js';
import type { LossType } from './loss.js';

/** Learning-rate schedule over epochs. */
export type LearningRateSchedule =
  | { readonly type: 'constant' }
  /** Multiplies the rate by `factor` every `everyEpochs` epochs. */
  | { readonly type: 'step'; readonly everyEpochs: number; readonly factor: number }
  /** Half a cosine from the initial rate at epoch 0 down to `minLearningRate` at `maxEpochs`. */
  | { readonly type: 'cosine'; readonly minLearningRate: number };

/** Hyperparameters of a training run. Every field is optional. */
export interface TrainingProps {
  /** @default 'softmax' */
  readonly loss?: LossType;
  /** SVM margin delta. @default 1 */
  readonly svmMargin?: number;
  /** Squared hinge, max(0, m)^2, for the SVM loss. @default false */
  readonly squaredHinge?: boolean;
  /**
   * L2 regularization strength lambda in lambda * sum(W^2) (no factor 1/2).
   * @default chosen from `l2Candidates` by validation loss
   */
  readonly l2Strength?: number;
  /** Values of lambda tried when `l2Strength` is not set. @default [1e-4, 1e-3, 1e-2, 1e-1, 1, 10] */
  readonly l2Candidates?: readonly number[];
  /** Initial learning rate. @default 1 / (feature dimension), see DEFAULT_LEARNING_RATE_SCALE */
  readonly learningRate?: number;
  /**
   * Factor on the Glorot-uniform limit of the initial weights. The loss of a linear probe is
   * convex, so initial weights only add noise in directions that the data does not constrain,
   * and L2 removes that noise slowly at a small lambda. @default 0.1
   */
  readonly initGain?: number;
  /** Momentum coefficient mu. @default 0.9 */
  readonly momentum?: number;
  /** Nesterov momentum in place of classical momentum. @default true */
  readonly nesterov?: boolean;
  /** @default cosine down to 0 */
  readonly schedule?: LearningRateSchedule;
  /** Samples per mini-batch. @default 64 */
  readonly batchSize?: number;
  /** Maximum number of epochs of one training run. @default 60 */
  readonly maxEpochs?: number;
  /** Epochs without a lower validation loss before training stops. @default 10 */
  readonly earlyStoppingPatience?: number;
  /**
   * Share of each class held out of the training source for validation when no
   * validation source is given; 0 disables it (then `l2Strength` is required and
   * there is no early stopping). @default 0.2
   */
  readonly validationFraction?: number;
  /**
   * After choosing lambda on the held-out part, trains once more on every sample of the
   * training source for the epochs that the chosen run kept. Applies only when part of
   * the training source is held out. @default true
   */
  readonly refit?: boolean;
  /** Minimum number of training samples of every class. @default 5 */
  readonly minSamplesPerClass?: number;
  /** Seed of initialization, shuffling and the validation split (unsigned 32-bit). @default 0 */
  readonly seed?: number;
}

/** Every hyperparameter, resolved. Stored in checkpoints and models as JSON. */
export interface Hyperparameters {
  readonly loss: LossType;
  readonly svmMargin: number;
  readonly squaredHinge: boolean;
  readonly l2Strength: number | null;
  readonly l2Candidates: readonly number[];
  readonly learningRate: number;
  readonly initGain: number;
  readonly momentum: number;
  readonly nesterov: boolean;
  readonly schedule: LearningRateSchedule;
  readonly batchSize: number;
  readonly maxEpochs: number;
  readonly earlyStoppingPatience: number;
  readonly validationFraction: number;
  readonly refit: boolean;
  readonly minSamplesPerClass: number;
  readonly seed: number;
}

/**
 * Default learning rate times the feature dimension. Standardized features have a squared
 * norm of about D, so a rate of 1 / D moves the score of a sample by about one gradient
 * unit per step, whatever the backbone.
 */
export const DEFAULT_LEARNING_RATE_SCALE = 1;

export const DEFAULT_L2_CANDIDATES: readonly number[] = [1e-4, 1e-3, 1e-2, 1e-1, 1, 10];

/**
 * Fills in defaults and checks every value. Raises INVALID_HYPERPARAMETER naming the
 * field, its value and the accepted range.
 */
export function resolveHyperparameters(props: TrainingProps, dim: number, hasValidationSource: boolean): Hyperparameters {
  const resolved: Hyperparameters = {
    loss: props.loss ?? 'softmax',
    svmMargin: props.svmMargin ?? 1,
    squaredHinge: props.squaredHinge ?? false,
    l2Strength: props.l2Strength ?? null,
    l2Candidates: [...(props.l2Candidates ?? DEFAULT_L2_CANDIDATES)],
    learningRate: props.learningRate ?? DEFAULT_LEARNING_RATE_SCALE / dim,
    initGain: props.initGain ?? 0.1,
    momentum: props.momentum ?? 0.9,
    nesterov: props.nesterov ?? true,
    schedule: props.schedule ?? { type: 'cosine', minLearningRate: 0 },
    batchSize: props.batchSize ?? 64,
    maxEpochs: props.maxEpochs ?? 60,
    earlyStoppingPatience: props.earlyStoppingPatience ?? 10,
    validationFraction: props.validationFraction ?? 0.2,
    refit: props.refit ?? true,
    minSamplesPerClass: props.minSamplesPerClass ?? 5,
    seed: props.seed ?? 0,
  };
  checkHyperparameters(resolved, hasValidationSource);
  return resolved;
}

function checkHyperparameters(h: Hyperparameters, hasValidationSource: boolean): void {
  if (h.loss !== 'softmax' && h.loss !== 'svm') {
    invalid('loss', h.loss, "'softmax' or 'svm'");
  }
  requirePositive('svmMargin', h.svmMargin);

  if (typeof h.squaredHinge !== 'boolean') {
    invalid('squaredHinge', h.squaredHinge, 'true or false');
  }
  if (h.l2Strength !== null) {
    requireNonNegative('l2Strength', h.l2Strength);
  }
  if (h.l2Candidates.length === 0) {
    invalid('l2Candidates', '[]', 'at least one value');
  }
  h.l2Candidates.forEach((value, i) => requireNonNegative(`l2Candidates[${i}]`, value));

  requirePositive('learningRate', h.learningRate);
  requireNonNegative('initGain', h.initGain);
  if (!(h.momentum >= 0 && h.momentum < 1)) {
    invalid('momentum', h.momentum, 'a number in [0, 1)');
  }
  if (typeof h.nesterov !== 'boolean') {
    invalid('nesterov', h.nesterov, 'true or false');
  }
  checkSchedule(h.schedule);

  requirePositiveInteger('batchSize', h.batchSize);
  requirePositiveInteger('maxEpochs', h.maxEpochs);
  requirePositiveInteger('earlyStoppingPatience', h.earlyStoppingPatience);

  if (!(h.validationFraction >= 0 && h.validationFraction <= 0.5)) {
    invalid('validationFraction', h.validationFraction, 'a number in [0, 0.5]');
  }
  if (typeof h.refit !== 'boolean') {
    invalid('refit', h.refit, 'true or false');
  }
  const needsHoldout = !hasValidationSource && h.validationFraction > 0;
  requirePositiveInteger('minSamplesPerClass', h.minSamplesPerClass);
  if (needsHoldout && h.minSamplesPerClass < 2) {
    invalid('minSamplesPerClass', h.minSamplesPerClass, 'at least 2 when part of each class is held out for validation');
  }
  if (!(Number.isInteger(h.seed) && h.seed >= 0 && h.seed <= 0xffffffff)) {
    invalid('seed', h.seed, 'an integer in [0, 2^32 - 1]');
  }
  if (!hasValidationSource && h.validationFraction === 0 && h.l2Strength === null) {
    invalid(
      'l2Strength',
      'unset',
      'a value when validationFraction is 0 and no validation source is given, because the search for lambda needs validation data',
    );
  }
}

function checkSchedule(schedule: LearningRateSchedule): void {
  switch (schedule.type) {
    case 'constant':
      return;
    case 'step':
      requirePositiveInteger('schedule.everyEpochs', schedule.everyEpochs);
      if (!(schedule.factor > 0 && schedule.factor <= 1)) {
        invalid('schedule.factor', schedule.factor, 'a number in (0, 1]');
      }
      return;
    case 'cosine':
      requireNonNegative('schedule.minLearningRate', schedule.minLearningRate);
      return;
    default:
      invalid('schedule.type', (schedule as { type: unknown }).type, "'constant', 'step' or 'cosine'");
  }
}

function requirePositive(field: string, value: number): void {
  if (!(typeof value === 'number' && Number.isFinite(value) && value > 0)) {
    invalid(field, value, 'a finite number greater than 0');
  }
}

function requireNonNegative(field: string, value: number): void {
  if (!(typeof value === 'number' && Number.isFinite(value) && value >= 0)) {
    invalid(field, value, 'a finite number of at least 0');
  }
}

function requirePositiveInteger(field: string, value: number): void {
  if (!(Number.isInteger(value) && value > 0)) {
    invalid(field, value, 'an integer of at least 1');
  }
}

function invalid(field: string, value: unknown, expected: string): never {
  throw new LinearProbeError(
    'INVALID_HYPERPARAMETER',
    `Invalid ${field}: ${String(value)}. Set it to ${expected}.`,
    { field, value },
  );
}
