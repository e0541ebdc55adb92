import type { Command } from 'commander';
import { readLabelledFolder, splitLabelDifference } from '../image-folders.js';
import { parsePositiveInteger } from '../option-values.js';
import { Output } from '../output.js';
import { createProgress } from '../progress.js';
import { type GlobalOptions, resolveTarget } from '../target.js';
import { uploadImages } from '../uploader.js';
import { waitForExtraction } from '../extraction-wait.js';

interface UploadCommandOptions {
  readonly wait?: boolean;
  readonly concurrency: string;
}

/** `vgg-probe upload DIR`: uploads a labelled folder to `images/<label>/…`. */
export function registerUpload(program: Command): void {
  program
    .command('upload')
    .description('upload a folder with one subfolder per label to images/<label>/')
    .argument('<dir>', 'folder with one subfolder of images per label')
    .option('--wait', 'wait until every uploaded image has features or an error record')
    .option('--concurrency <n>', 'uploads in flight at once', '8')
    .action(async (dir: string, options: UploadCommandOptions, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const output = new Output(Boolean(globals.json));
      const concurrency = parsePositiveInteger(options.concurrency, '--concurrency');
      const folder = await readLabelledFolder(dir);
      for (const skipped of folder.skipped) {
        output.warn(`skipped ${skipped.file}: ${skipped.reason}`);
      }
      const difference = splitLabelDifference(folder);
      if (difference) {
        output.warn(
          `${difference}. With --split folder, a label trains only on images in train/ ` +
            'and is validated only on images in valid/.',
        );
      }

      const target = await resolveTarget(globals);
      const summary = await uploadImages(folder.images, {
        s3: target.s3,
        bucket: target.bucket,
        progress: createProgress(!globals.json),
        concurrency,
      });
      const extraction = options.wait
        ? await waitForExtraction(target, summary.keys, createProgress(!globals.json))
        : undefined;

      const perLabel = folder.labels.map(
        (label) => `${label}: ${folder.images.filter((image) => image.label === label).length}`,
      );
      output.result(
        {
          stack: target.name,
          bucket: target.bucket,
          uploaded: summary.uploaded,
          bytes: summary.bytes,
          skipped: folder.skipped.length,
          labels: folder.labels,
          durationMs: summary.durationMs,
          ...(extraction ? { extraction } : {}),
        },
        [
          `uploaded ${summary.uploaded} images (${(summary.bytes / 1e6).toFixed(1)} MB) ` +
            `to s3://${target.bucket}/images/ in ${(summary.durationMs / 1000).toFixed(1)} s`,
          `labels: ${perLabel.join(', ')}`,
          ...(folder.skipped.length > 0
            ? [`skipped ${folder.skipped.length} files that are not images`]
            : []),
          ...(folder.layout === 'splits'
            ? ['kept train/ and valid/ in the keys: train with --split folder to use them']
            : []),
          ...(extraction
            ? [
                `extraction: ${extraction.features} with features, ${extraction.errors} with error records`,
              ]
            : ['features are extracted in the background; `vgg-probe status` shows progress']),
        ],
      );
    });
}
