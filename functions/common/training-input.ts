import {
  resolveHyperparameters,
  type LossType,
  type TrainingProps,
} from '../../shared/linear/index.js';
import { checkSegment, labelProblem, type SplitMode } from '../../shared/store/index.js';

/** A training input that cannot be used. The name is the Step Functions error. */
export class InvalidTrainingInputError extends Error {
  override readonly name = 'InvalidTrainingInput';
}

/** The validated training settings shared by every step of a run. */
export interface TrainingConfig {
  readonly backboneId?: string;
  readonly featureLayer?: string;
  /** Train only on these labels. */
  readonly labels?: readonly string[];
  readonly split: SplitMode;
  readonly validationFraction: number;
  readonly seed: number;
  /** Hyperparameters for the linear probe; absent ones take the probe's defaults. */
  readonly epochs?: number;
  readonly learningRate?: number;
  readonly batchSize?: number;
  readonly momentum?: number;
  readonly earlyStoppingPatience?: number;
  readonly minSamplesPerClass?: number;
  /** Maximum epochs per TrainChunk invocation. Without it, only the time budget limits a chunk. */
  readonly epochsPerChunk?: number;
}

/** One model to train: a loss and an L2 regularization strength (searched when absent). */
export interface Candidate {
  /** Key-safe id, for example `softmax-auto` or `svm-0.001`. */
  readonly id: string;
  readonly loss: LossType;
  readonly regularization?: number;
}

/** The output of the ValidateInput step, stored as `$.run`. */
export interface TrainingRun {
  readonly runId: string;
  readonly version: string;
  readonly config: TrainingConfig;
  readonly candidates: readonly Candidate[];
}

/** Maximum number of candidates in a sweep. */
export const MAX_CANDIDATES = 16;

const FIELDS = [
  'loss',
  'epochs',
  'learningRate',
  'regularization',
  'batchSize',
  'validationFraction',
  'seed',
  'labels',
  'split',
  'backboneId',
  'featureLayer',
  'momentum',
  'earlyStoppingPatience',
  'minSamplesPerClass',
  'epochsPerChunk',
  'sweep',
];

/**
 * Checks the execution input and fills in defaults, so that `{}` is a valid input.
 * Raises {@link InvalidTrainingInputError} naming the field and the accepted values.
 */
export function parseTrainingInput(input: unknown): {
  config: TrainingConfig;
  candidates: Candidate[];
} {
  const raw = (input ?? {}) as Record<string, unknown>;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new InvalidTrainingInputError(
      'the execution input must be a JSON object, for example {} or {"loss": "svm"}',
    );
  }
  const unknown = Object.keys(raw).filter((field) => !FIELDS.includes(field));
  if (unknown.length > 0) {
    throw new InvalidTrainingInputError(
      `unknown input field(s) ${unknown.join(', ')}; accepted: ${FIELDS.join(', ')}`,
    );
  }

  const config: TrainingConfig = {
    backboneId: optionalSegment(raw.backboneId, 'backboneId'),
    featureLayer: optionalSegment(raw.featureLayer, 'featureLayer'),
    labels: optionalLabels(raw.labels),
    split: optionalSplit(raw.split),
    validationFraction: optionalNumber(raw.validationFraction, 'validationFraction') ?? 0.2,
    seed: optionalNumber(raw.seed, 'seed') ?? 0,
    epochs: optionalNumber(raw.epochs, 'epochs'),
    learningRate: optionalNumber(raw.learningRate, 'learningRate'),
    batchSize: optionalNumber(raw.batchSize, 'batchSize'),
    momentum: optionalNumber(raw.momentum, 'momentum'),
    earlyStoppingPatience: optionalNumber(raw.earlyStoppingPatience, 'earlyStoppingPatience'),
    minSamplesPerClass: optionalNumber(raw.minSamplesPerClass, 'minSamplesPerClass'),
    epochsPerChunk: optionalNumber(raw.epochsPerChunk, 'epochsPerChunk'),
  };
  if (
    config.epochsPerChunk !== undefined &&
    !(Number.isInteger(config.epochsPerChunk) && config.epochsPerChunk >= 1)
  ) {
    throw new InvalidTrainingInputError(
      `invalid epochsPerChunk ${config.epochsPerChunk}: use an integer of at least 1, or leave it out`,
    );
  }
  if (
    config.split === 'hash' &&
    !(config.validationFraction > 0 && config.validationFraction <= 0.5)
  ) {
    throw new InvalidTrainingInputError(
      `invalid validationFraction ${config.validationFraction}: use a number in (0, 0.5], for example 0.2`,
    );
  }

  const candidates = buildCandidates(raw);
  for (const candidate of candidates) {
    checkHyperparameters(config, candidate);
  }
  return { config: dropUndefined(config), candidates: dropUndefined(candidates) };
}

/** Returns the linear probe's hyperparameters for one candidate. */
export function trainingProps(config: TrainingConfig, candidate: Candidate): TrainingProps {
  return dropUndefined({
    loss: candidate.loss,
    l2Strength: candidate.regularization,
    learningRate: config.learningRate,
    batchSize: config.batchSize,
    maxEpochs: config.epochs,
    momentum: config.momentum,
    earlyStoppingPatience: config.earlyStoppingPatience,
    minSamplesPerClass: config.minSamplesPerClass,
    seed: config.seed,
    // The dataset step already split off the validation images.
    validationFraction: 0,
  });
}

/**
 * Derives the run id used in keys from the execution name, replacing characters outside
 * `A-Z a-z 0-9 _ . = -` by `-`.
 */
export function runIdOf(executionName: string): string {
  const id = executionName
    .replace(/[^A-Za-z0-9_.=-]/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 80);
  if (!id) {
    throw new InvalidTrainingInputError(
      `execution name ${JSON.stringify(executionName)} has no letter or digit`,
    );
  }
  return id;
}

function buildCandidates(raw: Record<string, unknown>): Candidate[] {
  const loss = optionalLoss(raw.loss, 'loss') ?? 'softmax';
  const regularization = optionalNumber(raw.regularization, 'regularization');
  if (raw.sweep === undefined) {
    return [candidate(loss, regularization)];
  }

  const sweep = raw.sweep as Record<string, unknown>;
  if (typeof sweep !== 'object' || sweep === null || Array.isArray(sweep)) {
    throw new InvalidTrainingInputError(
      'sweep must be an object such as {"losses": ["svm", "softmax"], "regularizations": [0.0001, 0.001]}',
    );
  }
  const losses = optionalList(
    sweep.losses,
    'sweep.losses',
    (v) => optionalLoss(v, 'sweep.losses')!,
  ) ?? [loss];
  const strengths = optionalList(
    sweep.regularizations,
    'sweep.regularizations',
    (v) => optionalNumber(v, 'sweep.regularizations')!,
  ) ?? [regularization];
  const candidates = losses.flatMap((l) => strengths.map((r) => candidate(l, r)));
  const ids = new Set(candidates.map((c) => c.id));
  if (ids.size !== candidates.length) {
    throw new InvalidTrainingInputError('sweep lists the same loss or regularization twice');
  }
  if (candidates.length > MAX_CANDIDATES) {
    throw new InvalidTrainingInputError(
      `the sweep has ${candidates.length} candidates (losses x regularizations); at most ${MAX_CANDIDATES} are allowed`,
    );
  }
  return candidates;
}

function candidate(loss: LossType, regularization: number | undefined): Candidate {
  return {
    id: `${loss}-${regularization === undefined ? 'auto' : String(regularization)}`,
    loss,
    regularization,
  };
}

/** The linear probe's names of the hyperparameters whose input field is named differently. */
const INPUT_FIELD_OF_PROP: Record<string, string> = {
  maxEpochs: 'epochs',
  l2Strength: 'regularization',
};

function checkHyperparameters(config: TrainingConfig, candidate: Candidate): void {
  try {
    // The dimension only sets the default learning rate, which is not checked here.
    resolveHyperparameters(trainingProps(config, candidate), 1, true);
  } catch (error) {
    // The probe names its own properties; the message names the input field the user sent.
    const message = (error as Error).message.replace(
      /\b(maxEpochs|l2Strength)\b/g,
      (prop) => INPUT_FIELD_OF_PROP[prop],
    );
    throw new InvalidTrainingInputError(message);
  }
}

function optionalNumber(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) {
    return undefined;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new InvalidTrainingInputError(`${field} must be a number, got ${JSON.stringify(value)}`);
  }
  return value;
}

function optionalLoss(value: unknown, field: string): LossType | undefined {
  if (value === undefined || value === null) {
    return undefined;
  }
  if (value !== 'svm' && value !== 'softmax') {
    throw new InvalidTrainingInputError(
      `${field} must be "svm" or "softmax", got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

function optionalSplit(value: unknown): SplitMode {
  if (value === undefined || value === null) {
    return 'hash';
  }
  if (value !== 'hash' && value !== 'folder') {
    throw new InvalidTrainingInputError(
      `split must be "hash" or "folder", got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

function optionalSegment(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) {
    return undefined;
  }
  if (typeof value !== 'string') {
    throw new InvalidTrainingInputError(`${field} must be a string, got ${JSON.stringify(value)}`);
  }
  try {
    return checkSegment(value, field);
  } catch (error) {
    throw new InvalidTrainingInputError((error as Error).message);
  }
}

function optionalLabels(value: unknown): string[] | undefined {
  const labels = optionalList(value, 'labels', (label) => {
    if (typeof label !== 'string' || labelProblem(label) !== undefined) {
      throw new InvalidTrainingInputError(
        `labels contains ${JSON.stringify(label)}, which is not a valid label`,
      );
    }
    return label;
  });
  if (labels !== undefined && new Set(labels).size < 2) {
    throw new InvalidTrainingInputError('labels must list at least two different labels');
  }
  return labels;
}

function optionalList<T>(
  value: unknown,
  field: string,
  parse: (item: unknown) => T,
): T[] | undefined {
  if (value === undefined || value === null) {
    return undefined;
  }
  if (!Array.isArray(value) || value.length === 0) {
    throw new InvalidTrainingInputError(`${field} must be a non-empty array`);
  }
  return value.map(parse);
}

/** Removes undefined fields, which Step Functions payloads cannot carry anyway. */
function dropUndefined<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
