import type { Command } from 'commander';
import { registerDemo } from '../demo/demo-command.js';
import { registerEvaluate } from './commands/evaluate.js';
import { registerLocal } from './commands/local.js';
import { registerModels } from './commands/models.js';
import { registerPredict } from './commands/predict.js';
import { registerReport } from './commands/report.js';
import { registerStatus } from './commands/status.js';
import { registerTrain } from './commands/train.js';
import { registerUpload } from './commands/upload.js';

/** Defines the `vgg-probe` command, its global options and its subcommands. */
export function registerCommands(program: Command): void {
  program
    .name('vgg-probe')
    .description(
      'Train and serve a linear classifier on frozen CNN features, on a deployed stack or the local one.',
    )
    .option('--json', 'print machine-readable JSON (the last line of stdout is the result)')
    .option(
      '--stack <name>',
      'work on this deployed CloudFormation stack instead of the local stack',
    )
    .option(
      '--region <region>',
      'AWS region of the deployed stack (default: AWS_REGION or your profile)',
    )
    .option(
      '--data-dir <dir>',
      'data folder of the local stack (default: the nearest .vgg-probe/local in this folder or a parent)',
    )
    .showHelpAfterError('(run `vgg-probe --help` for usage)')
    .configureHelp({ showGlobalOptions: true });

  registerLocal(program);
  registerUpload(program);
  registerTrain(program);
  registerPredict(program);
  registerEvaluate(program);
  registerModels(program);
  registerReport(program);
  registerStatus(program);
  registerDemo(program);
}
