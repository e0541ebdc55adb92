// `npm run bench -- accuracy`: validation accuracy of both losses with default
// hyperparameters on MobileNet features of real cat and dog photos, over several seeds,
// and a k-fold cross-validation on the training photos alone. Progress and tables go to
// stderr, and the last line on stdout is the JSON result.
import { parseArgs } from 'node:util';

import {
  buildDataset,
  createInMemorySource,
  evaluateModel,
  trainLinearProbe,
  type LabelledVector,
  type LossType,
} from '../shared/linear/index.js';
import { integerOption, UsageError } from './arguments.js';
import { loadSplit, missingMessage, realPhotosAvailable } from './real-photo-features.js';

interface AccuracyOptions {
  readonly seeds: number;
  readonly folds: number;
  readonly foldSeeds: number;
  /** Learning rate times the feature dimension, or undefined for the library default. */
  readonly learningRateScale: number | undefined;
}

/** Accuracies of one loss over the seeds, in percent. */
interface SeedSpread {
  readonly atSeed0: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
}

const LOSSES: readonly LossType[] = ['softmax', 'svm'];

const USAGE = `usage: npm run bench -- accuracy [--seeds N] [--folds K] [--fold-seeds N] [--learning-rate-scale S]
  --seeds                seeds 0 .. N-1 trained on train/ and scored on valid/ (default 12)
  --folds                folds of the cross-validation on train/ alone (default 5)
  --fold-seeds           seeds per fold (default 4)
  --learning-rate-scale  learning rate times the feature dimension (default: the library's)

Needs the cat and dog photos and the MobileNet v1 model in the shared folder beside the
repository. The first run extracts the features (about a minute) and caches them.`;

/** Runs the benchmark. `argv` contains the arguments after the benchmark name. */
export async function main(argv: string[]): Promise<void> {
  const options = parseOptions(argv);
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (!realPhotosAvailable) {
    throw new Error(`the real photos and the MobileNet model are missing (${missingMessage}). Put them in the shared folder beside the repository`);
  }

  log('loading MobileNet features of the photos (extracting them on the first run)');
  const train = await loadSplit('train');
  const valid = await loadSplit('valid');
  log(`${train.length} training and ${valid.length} validation photos, ${train[0].features.length} features each`);

  const validation: Record<string, SeedSpread> = {};
  const crossValidation: Record<string, number> = {};
  for (const loss of LOSSES) {
    validation[loss] = await validationSpread(train, valid, loss, options);
    crossValidation[loss] = await crossValidatedAccuracy(train, loss, options);
  }

  printTable(validation, crossValidation, options);
  process.stdout.write(
    `${JSON.stringify({
      bench: 'accuracy',
      learning_rate_scale: options.learningRateScale ?? null,
      validation,
      cross_validation: crossValidation,
    })}\n`,
  );
}

function parseOptions(argv: string[]): AccuracyOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      seeds: { type: 'string', default: '12' },
      folds: { type: 'string', default: '5' },
      'fold-seeds': { type: 'string', default: '4' },
      'learning-rate-scale': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    return 'help';
  }
  return {
    seeds: integerOption('seeds', values.seeds, 1),
    folds: integerOption('folds', values.folds, 2),
    foldSeeds: integerOption('fold-seeds', values['fold-seeds'], 1),
    learningRateScale: positiveOption('learning-rate-scale', values['learning-rate-scale']),
  };
}

function positiveOption(name: string, text: string | undefined): number | undefined {
  if (text === undefined) {
    return undefined;
  }
  const value = Number(text);
  if (text.trim() === '' || !(value > 0) || !Number.isFinite(value)) {
    throw new UsageError(`invalid --${name} '${text}': use a positive number`);
  }
  return value;
}

/** Trains on `train` with seeds 0 .. seeds-1 and scores `valid`. */
async function validationSpread(
  train: readonly LabelledVector[],
  valid: readonly LabelledVector[],
  loss: LossType,
  options: AccuracyOptions,
): Promise<SeedSpread> {
  const accuracies: number[] = [];
  for (let seed = 0; seed < options.seeds; seed++) {
    accuracies.push(await trainAndScore(train, valid, loss, seed, options));
    log(`${loss}, seed ${seed}: validation accuracy ${accuracies[seed].toFixed(1)}%`);
  }
  return {
    atSeed0: accuracies[0],
    min: Math.min(...accuracies),
    max: Math.max(...accuracies),
    mean: round(accuracies.reduce((sum, value) => sum + value, 0) / accuracies.length),
  };
}

/**
 * Returns the accuracy in percent over every held-out prediction of a k-fold split of
 * `train` (sample i goes to fold i mod k), with `options.foldSeeds` seeds per fold.
 */
async function crossValidatedAccuracy(train: readonly LabelledVector[], loss: LossType, options: AccuracyOptions): Promise<number> {
  let correct = 0;
  let predictions = 0;
  for (let fold = 0; fold < options.folds; fold++) {
    const inner = train.filter((_, i) => i % options.folds !== fold);
    const heldOut = train.filter((_, i) => i % options.folds === fold);
    for (let seed = 0; seed < options.foldSeeds; seed++) {
      const accuracy = await trainAndScore(inner, heldOut, loss, seed, options);
      correct += (accuracy / 100) * heldOut.length;
      predictions += heldOut.length;
    }
  }
  const accuracy = round((100 * correct) / predictions);
  log(`${loss}: ${options.folds}-fold cross-validation on the training photos ${accuracy.toFixed(2)}% (${predictions} predictions)`);
  return accuracy;
}

/** Trains with default hyperparameters and `seed`, and returns the accuracy on `test` in percent. */
async function trainAndScore(
  train: readonly LabelledVector[],
  test: readonly LabelledVector[],
  loss: LossType,
  seed: number,
  options: AccuracyOptions,
): Promise<number> {
  const trainSet = buildDataset(train);
  const testSet = buildDataset(test, { labels: trainSet.labels });
  const learningRate = options.learningRateScale === undefined ? undefined : options.learningRateScale / trainSet.dataset.dim;
  const model = await trainLinearProbe(
    { labels: trainSet.labels, loss, seed, learningRate },
    { train: createInMemorySource(trainSet.dataset) },
  );
  const report = await evaluateModel(model, testSet.dataset);
  return round(100 * report.accuracy);
}

function printTable(validation: Record<string, SeedSpread>, crossValidation: Record<string, number>, options: AccuracyOptions): void {
  log('');
  log(`| loss | validation, seed 0 | validation, seeds 0-${options.seeds - 1} | mean | ${options.folds}-fold cross-validation on train |`);
  log('| --- | --- | --- | --- | --- |');
  for (const loss of LOSSES) {
    const spread = validation[loss];
    log(
      `| ${loss} | ${spread.atSeed0.toFixed(1)}% | ${spread.min.toFixed(1)}% to ${spread.max.toFixed(1)}% | ` +
        `${spread.mean.toFixed(1)}% | ${crossValidation[loss].toFixed(2)}% |`,
    );
  }
}

function round(value: number): number {
  return Number(value.toFixed(4));
}

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}
