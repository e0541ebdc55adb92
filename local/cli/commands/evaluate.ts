import type { Command } from 'commander';
import { ApiClient } from '../api-client.js';
import { warnIfUntrainedBackbone } from '../backbone-warning.js';
import { evaluateImages } from '../evaluation.js';
import { readLabelledFolder } from '../image-folders.js';
import { Output } from '../output.js';
import { createProgress } from '../progress.js';
import { formatEvaluation } from '../report-format.js';
import { type GlobalOptions, resolveTarget } from '../target.js';

/** `vgg-probe evaluate DIR`: measures the current model on a labelled folder. */
export function registerEvaluate(program: Command): void {
  program
    .command('evaluate')
    .description(
      'measure the current model on a labelled folder: accuracy, per-class P/R/F1, confusion matrix',
    )
    .argument('<dir>', 'folder with one subfolder of images per label')
    .action(async (dir: string, _options: unknown, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const output = new Output(Boolean(globals.json));
      const folder = await readLabelledFolder(dir);
      for (const skipped of folder.skipped) {
        output.warn(`skipped ${skipped.file}: ${skipped.reason}`);
      }

      const target = await resolveTarget(globals);
      const api = new ApiClient({ apiUrl: target.apiUrl, apiKey: target.apiKey });
      const evaluation = await evaluateImages(api, folder.images, createProgress(!globals.json));
      for (const label of evaluation.unknownLabels) {
        output.warn(`left out the images labelled ${label}: the model has no such class`);
      }

      output.result(
        {
          modelVersion: evaluation.modelVersion,
          labels: evaluation.labels,
          ...evaluation.report,
          unknownLabels: evaluation.unknownLabels,
          durationMs: evaluation.durationMs,
        },
        [
          `model ${evaluation.modelVersion ?? '(version not reported)'} on ${dir}:`,
          ...formatEvaluation(evaluation.report, evaluation.labels),
        ],
      );
      warnIfUntrainedBackbone(target, output);
    });
}
