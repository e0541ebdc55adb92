import type { Command } from 'commander';
import { readFile, stat } from 'node:fs/promises';
import { sniffImageFormat } from '../../../shared/image/image-format.js';
import { ApiClient } from '../api-client.js';
import { warnIfUntrainedBackbone } from '../backbone-warning.js';
import { CliError } from '../errors.js';
import { predictFiles } from '../evaluation.js';
import { contentTypeOf } from '../image-folders.js';
import { Output, percent } from '../output.js';
import { createProgress } from '../progress.js';
import { type GlobalOptions, resolveTarget } from '../target.js';

interface PredictCommandOptions {
  readonly topK?: string;
  readonly minConfidence?: string;
}

/** `vgg-probe predict FILE…`: classifies images over the API. */
export function registerPredict(program: Command): void {
  program
    .command('predict')
    .description('classify image files with the current model over the API')
    .argument('<files...>', 'JPEG, PNG, WebP or GIF files')
    .option('--top-k <n>', 'number of classes to list per image')
    .option('--min-confidence <x>', 'confidence in [0, 1] below which no label is given')
    .action(async (files: string[], options: PredictCommandOptions, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const output = new Output(Boolean(globals.json));
      const inputs = await Promise.all(files.map(imageInput));
      const target = await resolveTarget(globals);
      const api = new ApiClient({ apiUrl: target.apiUrl, apiKey: target.apiKey });

      const query: Record<string, string> = {};
      if (options.topK) {
        query.topK = options.topK;
      }
      if (options.minConfidence) {
        query.minConfidence = options.minConfidence;
      }
      const predictions = await predictFiles(api, inputs, {
        progress: createProgress(!globals.json && files.length > 3),
        query,
      });

      output.result(
        { predictions: predictions.map(({ file, response }) => ({ file, ...response })) },
        predictions.map(({ file, response }) => {
          const label = response.label ?? `no confident label (top: ${response.topLabel ?? '?'})`;
          const others = response.scores
            .slice(1, 3)
            .map((score) => `${score.label} ${percent(score.confidence)}`)
            .join(', ');
          return `${file}: ${label} ${percent(response.confidence)}${others ? ` (next: ${others})` : ''}`;
        }),
      );
      warnIfUntrainedBackbone(target, output);
    });
}

async function imageInput(file: string): Promise<{ file: string; contentType: string }> {
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) {
    throw new CliError(
      info ? `${file} is not a file` : `file ${file} not found`,
      'Pass the paths of image files.',
    );
  }
  const format = sniffImageFormat((await readFile(file)).subarray(0, 16));
  if (!format) {
    throw new CliError(`${file} is not a JPEG, PNG, WebP or GIF image`, 'Pass image files only.');
  }
  return { file, contentType: contentTypeOf(format) };
}
