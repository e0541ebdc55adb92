import { join } from 'node:path';
import type { Command } from 'commander';
import { CliError } from '../cli/errors.js';
import { duration, Output, percent } from '../cli/output.js';
import { baseDir, cacheDirs, REPO_ROOT } from '../cli/paths.js';
import { formatEvaluation } from '../cli/report-format.js';
import { type GlobalOptions, localDataDir } from '../cli/target.js';
import { type DemoResult, runDemo } from './run-demo.js';

interface DemoCommandOptions {
  readonly images?: string;
  readonly eval?: string;
  readonly backbone?: string;
  readonly loss?: string;
  readonly epochs?: string;
}

/** `vgg-probe demo`: the main job end to end on a fresh local stack. */
export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(
      'run the whole pipeline on a fresh local stack: upload, extract, train, evaluate, predict',
    )
    .option(
      '--images <dir>',
      'labelled images: one subfolder per label, or train/ and valid/ with one per label (default: a generated set)',
    )
    .option('--eval <dir>', 'a separate labelled folder to evaluate on after training')
    .option(
      '--backbone <path>',
      'backbone folder, backbone.json or TF.js model.json (default: the built layer, else seeded VGG16)',
    )
    .option('--loss <loss>', 'svm or softmax (default: softmax)')
    .option('--epochs <n>', 'maximum training epochs (default: the trainer default)')
    .action(async (options: DemoCommandOptions, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const output = new Output(Boolean(globals.json));
      if (options.loss && options.loss !== 'svm' && options.loss !== 'softmax') {
        throw new CliError(
          `invalid --loss ${JSON.stringify(options.loss)}`,
          'Use --loss svm or --loss softmax.',
        );
      }
      const epochs = options.epochs === undefined ? undefined : Number(options.epochs);
      if (epochs !== undefined && !(Number.isInteger(epochs) && epochs > 0)) {
        throw new CliError(
          `invalid --epochs ${JSON.stringify(options.epochs)}`,
          'Pass a positive integer.',
        );
      }

      const dataDir = localDataDir(globals);
      const result = await runDemo(
        {
          images: options.images,
          eval: options.eval,
          backbone: options.backbone,
          loss: options.loss,
          epochs,
          repoRoot: REPO_ROOT,
          dataDir: join(baseDir(dataDir), 'demo'),
          cacheDirs: cacheDirs(dataDir),
          progress: !globals.json,
        },
        output,
      );
      output.result(result, summaryLines(result));
    });
}

function summaryLines(result: DemoResult): string[] {
  const lines = [
    '',
    '== vgg-probe demo summary ==',
    `backbone: ${result.backbone.id} (${result.backbone.untrained ? 'seeded, UNTRAINED weights' : 'pretrained weights'}, feature layer ${result.backbone.featureLayer})`,
    `images: ${result.images.uploaded} uploaded (${result.images.labels.join(', ')}), ` +
      `${result.images.extracted} extracted, ${result.images.errors} errors`,
    `model ${result.model.version} (${result.model.loss ?? 'loss n/a'}) trained by execution ${result.training.execution}`,
    `validation accuracy: ${percent(result.validation.accuracy)}`,
  ];
  if (result.eval) {
    lines.push(
      `evaluation on ${result.eval.dir}:`,
      ...formatEvaluation(result.eval.report, labelsOf(result)),
    );
  }
  lines.push('predictions over HTTP:');
  for (const prediction of result.predictions) {
    const mark = prediction.label === prediction.trueLabel ? 'ok' : 'WRONG';
    lines.push(
      `  ${prediction.file}: ${prediction.label ?? 'no confident label'} ${percent(prediction.confidence)} (true: ${prediction.trueLabel}) ${mark}`,
    );
  }
  lines.push(`report: ${result.model.report}`);
  lines.push(`took ${duration(result.timings.totalMs)} (${timingParts(result.timings)})`);
  if (result.backbone.untrained) {
    lines.push(
      'note: the backbone weights are seeded and untrained, so this accuracy reflects the easy generated ' +
        'classes, not what a pretrained backbone achieves on photos.',
    );
  }
  return lines;
}

function labelsOf(result: DemoResult): string[] {
  return result.eval?.report.perClass.map((metrics) => metrics.label) ?? [...result.images.labels];
}

function timingParts(timings: Record<string, number>): string {
  return Object.entries(timings)
    .filter(([name]) => name !== 'totalMs')
    .map(([name, ms]) => `${name.replace(/Ms$/, '')} ${duration(ms)}`)
    .join(', ');
}
