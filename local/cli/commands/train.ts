import type { Command } from 'commander';
import { warnIfUntrainedBackbone } from '../backbone-warning.js';
import { Output, percent } from '../output.js';
import { createProgress } from '../progress.js';
import { type GlobalOptions, resolveTarget } from '../target.js';
import { type TrainingCliOptions, trainingInput } from '../training-input.js';
import { expectTrainingSucceeded, runTraining } from '../training-run.js';
import { summarizeTrainingOutput } from '../training-summary.js';

/** `vgg-probe train`: runs the training state machine and prints the model's metrics. */
export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('train a linear classifier on the extracted features through the state machine')
    .option('--loss <loss>', 'svm (multiclass hinge) or softmax (cross-entropy) (default: softmax)')
    .option('--epochs <n>', 'maximum passes over the training split (default: 60)')
    .option('--learning-rate <x>', 'initial SGD step size (default: 1 / feature dimension)')
    .option(
      '--regularization <x>',
      'L2 regularization strength lambda (default: chosen among 1e-4 to 10 on validation)',
    )
    .option('--batch-size <n>', 'feature vectors per mini-batch (default: 64)')
    .option('--seed <n>', 'seed of initialization and shuffling (default: 0)')
    .option(
      '--validation-fraction <x>',
      'share of images held out for validation with --split hash, in (0, 0.5] (default: 0.2)',
    )
    .option('--split <mode>', 'hash (by key) or folder (images/<label>/train|valid/…) (default: hash)')
    .option('--backbone-id <id>', 'feature space to train on, when the bucket holds several')
    .option('--feature-layer <name>', 'feature layer to train on, when the bucket holds several')
    .option('--labels <list>', 'comma-separated labels to train on (default: all)')
    .action(async (options: TrainingCliOptions, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const output = new Output(Boolean(globals.json));
      const input = trainingInput(options);
      const target = await resolveTarget(globals);

      const result = await runTraining(target, input, { progress: createProgress(!globals.json) });
      const summary = await summarizeTrainingOutput(target, expectTrainingSucceeded(result));
      output.result(
        {
          execution: result.name,
          status: result.status,
          durationMs: result.durationMs,
          ...summary,
        },
        [
          `training ${result.name} succeeded in ${(result.durationMs / 1000).toFixed(1)} s`,
          `model ${summary.version}: ${summary.loss ?? ''} validation accuracy ${percent(summary.validation?.accuracy)}` +
            (summary.validation?.loss !== undefined
              ? `, loss ${summary.validation.loss.toFixed(4)}`
              : ''),
          `classes: ${(summary.labels ?? []).join(', ')}`,
          ...(summary.reportKey
            ? [`report: s3://${target.bucket}/${summary.reportKey} (save it with \`vgg-probe report ${summary.version}\`)`]
            : []),
        ],
      );
      warnIfUntrainedBackbone(target, output);
    });
}
