import {
  InvalidTrainingInputError,
  parseTrainingInput,
} from '../../functions/common/training-input.js';
import { CliError } from './errors.js';

/** Training options as the CLI takes them (strings from the command line). */
export interface TrainingCliOptions {
  readonly loss?: string;
  readonly epochs?: string;
  readonly learningRate?: string;
  readonly regularization?: string;
  readonly batchSize?: string;
  readonly seed?: string;
  readonly validationFraction?: string;
  readonly split?: string;
  readonly backboneId?: string;
  readonly featureLayer?: string;
  readonly labels?: string;
}

/** The CLI flag of each training input field. */
const FLAG_OF_FIELD: Record<string, string> = {
  loss: '--loss',
  epochs: '--epochs',
  learningRate: '--learning-rate',
  regularization: '--regularization',
  batchSize: '--batch-size',
  seed: '--seed',
  validationFraction: '--validation-fraction',
  split: '--split',
  backboneId: '--backbone-id',
  featureLayer: '--feature-layer',
  labels: '--labels',
};

/**
 * Builds the training state machine input from CLI options. Options left out are left
 * out of the input, so that the state machine applies its defaults. The input is checked
 * with the rules of the state machine's ValidateInput step, so that an invalid option
 * fails here instead of in a failed execution.
 */
export function trainingInput(options: TrainingCliOptions): Record<string, unknown> {
  const input = buildInput(options);
  try {
    parseTrainingInput(input);
  } catch (error) {
    if (error instanceof InvalidTrainingInputError) {
      // The rules name the input field first, so the message shows the flag the user typed.
      const field = new RegExp(`\\b(${Object.keys(FLAG_OF_FIELD).join('|')})\\b`);
      throw new CliError(
        error.message.replace(field, (name) => FLAG_OF_FIELD[name]),
        'Run `vgg-probe train --help` for the options and their units.',
      );
    }
    throw error;
  }
  return input;
}

function buildInput(options: TrainingCliOptions): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  if (options.loss !== undefined) {
    if (options.loss !== 'svm' && options.loss !== 'softmax') {
      throw new CliError(
        `invalid --loss ${JSON.stringify(options.loss)}`,
        'Use --loss svm or --loss softmax.',
      );
    }
    input.loss = options.loss;
  }
  setNumber(input, 'epochs', options.epochs, '--epochs');
  setNumber(input, 'learningRate', options.learningRate, '--learning-rate');
  setNumber(input, 'regularization', options.regularization, '--regularization');
  setNumber(input, 'batchSize', options.batchSize, '--batch-size');
  setNumber(input, 'seed', options.seed, '--seed');
  setNumber(input, 'validationFraction', options.validationFraction, '--validation-fraction');
  if (options.split !== undefined) {
    input.split = options.split;
  }
  if (options.backboneId !== undefined) {
    input.backboneId = options.backboneId;
  }
  if (options.featureLayer !== undefined) {
    input.featureLayer = options.featureLayer;
  }
  if (options.labels !== undefined) {
    input.labels = options.labels
      .split(',')
      .map((label) => label.trim())
      .filter(Boolean);
  }
  return input;
}

function setNumber(
  input: Record<string, unknown>,
  field: string,
  value: string | undefined,
  flag: string,
) {
  if (value === undefined) {
    return;
  }
  const number = Number(value);
  if (!Number.isFinite(number)) {
    throw new CliError(
      `invalid ${flag} ${JSON.stringify(value)}`,
      `Pass a number, for example ${flag} 10.`,
    );
  }
  input[field] = number;
}
