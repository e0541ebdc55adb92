import { join } from 'node:path';
import type { Command } from 'commander';
import { chooseBackbone } from '../../stack/backbone-choice.js';
import { redirectConsole } from '../../stack/console-redirect.js';
import { startLocalStack } from '../../stack/local-stack.js';
import { findLiveStack, removeStateFile, writeStateFile } from '../../stack/state-file.js';
import { CliError } from '../errors.js';
import { Output } from '../output.js';
import { cacheDirs, REPO_ROOT } from '../paths.js';
import { type GlobalOptions, localDataDir } from '../target.js';
import { describeBackbone } from './backbone-summary.js';

interface LocalOptions {
  readonly backbone?: string;
  readonly featureLayer?: string;
  readonly s3Port?: string;
  readonly apiPort?: string;
  readonly controlPort?: string;
}

/** `vgg-probe local`: runs the local stack in the foreground until Ctrl-C. */
export function registerLocal(program: Command): void {
  program
    .command('local')
    .description('start the local stack (S3, queues, state machine, API) and keep it running')
    .option(
      '--backbone <path>',
      'backbone folder, backbone.json or TF.js model.json to extract features with',
    )
    .option(
      '--feature-layer <name>',
      "layer whose output is the feature vector (default: the backbone's)",
    )
    .option('--s3-port <port>', 'port of the S3 server (default: any free port)')
    .option('--api-port <port>', 'port of the REST API (default: any free port)')
    .option('--control-port <port>', 'port of the Step Functions API (default: any free port)')
    .action(async (options: LocalOptions, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      await runLocal(options, globals);
    });
}

async function runLocal(options: LocalOptions, globals: GlobalOptions): Promise<void> {
  const output = new Output(true);
  const dataDir = localDataDir(globals);
  const existing = await findLiveStack(dataDir);
  if (existing && existing.pid !== process.pid) {
    throw new CliError(
      `a local stack is already running (process ${existing.pid}, API ${existing.apiUrl})`,
      'Stop it with Ctrl-C in its terminal, or pass --data-dir to run a second one.',
    );
  }

  const caches = cacheDirs(dataDir);
  const backbone = await chooseBackbone({
    backbone: options.backbone,
    featureLayer: options.featureLayer,
    repoRoot: REPO_ROOT,
    cacheDir: caches.backbones,
  });
  for (const line of describeBackbone(backbone)) {
    output.info(line);
  }

  const handlerLogFile = join(dataDir, 'handlers.log');
  const restoreConsole = redirectConsole(handlerLogFile);
  const stack = await startLocalStack({
    repoRoot: REPO_ROOT,
    dataDir,
    templateCacheDir: caches.template,
    backboneDir: backbone.dir,
    featureLayer: options.featureLayer,
    ports: {
      s3: port(options.s3Port),
      api: port(options.apiPort),
      control: port(options.controlPort),
    },
  }).catch(async (error: unknown) => {
    await restoreConsole();
    throw error;
  });

  await writeStateFile({
    ...stack.info,
    pid: process.pid,
    startedAt: new Date().toISOString(),
    dataDir,
  });
  for (const name of stack.environmentConflicts) {
    output.warn(
      `environment variable ${name} differs between functions; the local stack uses one value`,
    );
  }
  output.result(
    {
      s3Endpoint: stack.info.s3Endpoint,
      bucket: stack.info.bucket,
      apiUrl: stack.info.apiUrl,
      apiKey: stack.info.apiKey,
      stepFunctionsEndpoint: stack.info.stepFunctionsEndpoint,
      trainingStateMachineArn: stack.info.trainingStateMachineArn,
      backbone: backbone.id,
      untrained: backbone.untrained,
      logFile: stack.info.logFile,
      handlerLogFile,
      dataDir,
    },
    [],
  );
  output.info(
    `local stack ready. Handler logs: ${handlerLogFile}; API and queue logs: ${stack.info.logFile}. ` +
      'Press Ctrl-C to stop.',
  );

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

  output.info('stopping the local stack…');
  await stack.close();
  await removeStateFile(dataDir, process.pid);
  await restoreConsole();
  output.info('local stack stopped');
}

function port(value: string | undefined): number | undefined {
  if (value === undefined) {
    return undefined;
  }
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535) {
    throw new CliError(
      `invalid port ${JSON.stringify(value)}`,
      'Pass a number from 0 to 65535 (0: any free port).',
    );
  }
  return parsed;
}
