import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { Command } from 'commander';
import { InvalidKeyError } from '../../../shared/store/errors.js';
import { modelKey } from '../../../shared/store/keys.js';
import { CliError } from '../errors.js';
import { Output } from '../output.js';
import { type GlobalOptions, resolveTarget } from '../target.js';

interface ReportOptions {
  readonly out?: string;
}

/** `vgg-probe report VERSION`: saves a model version's training report as a local file. */
export function registerReport(program: Command): void {
  program
    .command('report')
    .description('save the training report (report.html) of a model version to a local file')
    .argument('<version>', 'a version listed by `vgg-probe models`')
    .option('--out <file>', 'where to write the report (default: vgg-probe-report-<version>.html)')
    .action(async (version: string, options: ReportOptions, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const output = new Output(Boolean(globals.json));
      const key = reportKey(version);
      const target = await resolveTarget(globals);

      const html = await target.s3
        .send(new GetObjectCommand({ Bucket: target.bucket, Key: key }))
        .then((object) => object.Body!.transformToByteArray())
        .catch((error: unknown) => {
          const name = (error as { name?: string }).name;
          if (name === 'NoSuchKey' || name === 'NotFound') {
            throw new CliError(
              `model version ${version} has no report (s3://${target.bucket}/${key} not found)`,
              'List the published versions with `vgg-probe models`.',
            );
          }
          throw error;
        });

      const file = resolve(options.out ?? `vgg-probe-report-${version}.html`);
      await writeFile(file, html);
      output.result({ version, key, file }, [`report of model ${version} saved to ${file}`]);
    });
}

function reportKey(version: string): string {
  try {
    return modelKey(version, 'report.html');
  } catch (error) {
    if (error instanceof InvalidKeyError) {
      throw new CliError(
        `invalid model version '${version}': ${error.message}`,
        'List the published versions with `vgg-probe models`.',
      );
    }
    throw error;
  }
}
