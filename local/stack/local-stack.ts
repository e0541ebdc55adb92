import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { S3EventRecord } from 'aws-lambda';
import { startLocalApi, type LocalApi } from '../api/local-api-server.js';
import { routeBucketNotifications } from '../queue/bucket-notifications.js';
import type { LocalQueue } from '../queue/local-queue.js';
import {
  LocalFunctions,
  moduleHandlerLoader,
  type HandlerLoader,
} from '../runtime/local-functions.js';
import { type LocalS3, startLocalS3 } from '../s3-server.js';
import { LocalStateMachine } from '../stepfunctions/local-state-machine.js';
import type { CfnTemplate } from '../template/cloudformation.js';
import { createLocalResolver } from '../template/local-resolver.js';
import { readStackModel, type StackModel } from '../template/stack-model.js';
import { outputLogicalId } from '../template/state-machines.js';
import { synthesizeTemplate } from '../template/synth.js';
import { startControlServer, type ControlServer } from './control-server.js';
import { applyEnvironment, handlerEnvironment } from './handler-environment.js';
import {
  createQueues,
  describeUnrecordedFailures,
  findUnrecordedFailureQueue,
  waitForAllQueues,
} from './local-queues.js';
import { readStackBackbone, type StackBackbone } from './stack-backbone.js';

/** The bucket name of the local stack. */
export const LOCAL_BUCKET_NAME = 'vgg-probe-local';

/** True while a stack runs in this process; the handlers cache their configuration per process. */
let running = false;

/** Options for {@link startLocalStack}. */
export interface LocalStackOptions {
  /** The repository root, with `cdk.json` and `functions/`. */
  readonly repoRoot: string;
  /** Folder for the stack's objects, template cache, executions and log. */
  readonly dataDir: string;
  /**
   * The folder with the backbone weights that the extract and predict handlers load. The
   * stack reads its manifest at start and reports it as `info.backbone`.
   * @default the extractor's own default
   */
  readonly backboneDir?: string;
  /** @default the backbone's default feature layer */
  readonly featureLayer?: string;
  /** @default 0 for each, any free port */
  readonly ports?: { readonly s3?: number; readonly api?: number; readonly control?: number };
  /** @default a template synthesized from the CDK app */
  readonly template?: CfnTemplate;
  /**
   * Folder that caches the synthesized template between runs.
   * @default `template/` in the data folder
   */
  readonly templateCacheDir?: string;
  /** @default imports `functions/<name>/handler.ts` */
  readonly handlerLoader?: HandlerLoader;
  /**
   * Delay before a failed queue message is delivered again, in ms.
   * @default 1000
   */
  readonly retryDelayMs?: number;
  /**
   * Batches that one queue's consumer runs at the same time at most.
   * @default 2
   */
  readonly queueConcurrency?: number;
}

/** Endpoints and settings of a running local stack, as the state file records them. */
export interface LocalStackInfo {
  readonly s3Endpoint: string;
  readonly bucket: string;
  readonly apiUrl: string;
  readonly apiKey: string;
  readonly apiKeyId: string;
  /** The Step Functions API endpoint for `SFNClient`. */
  readonly stepFunctionsEndpoint: string;
  readonly trainingStateMachineArn: string;
  readonly logFile: string;
  readonly backboneDir?: string;
  /**
   * The backbone read from `backboneDir`. Undefined when the stack was started without
   * `backboneDir`, because the handlers then pick their default folder themselves.
   */
  readonly backbone?: StackBackbone;
}

/** A running local stack. */
export interface LocalStack {
  readonly info: LocalStackInfo;
  readonly model: StackModel;
  readonly functions: LocalFunctions;
  readonly trainingStateMachine: LocalStateMachine;
  readonly queues: ReadonlyMap<string, LocalQueue>;
  /**
   * The queue of upload events that record-failure could not record, which no function
   * drains. Undefined for a template without the `UnrecordedFailuresQueueArn` output.
   */
  readonly unrecordedFailureQueue?: LocalQueue;
  /** Variables that differ between functions; each keeps its first value locally. */
  readonly environmentConflicts: readonly string[];
  /** Resolves when every queue has delivered all its messages, retries included. */
  waitForQueues(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts the whole stack on 127.0.0.1 from the synthesized template: the S3 server whose
 * notifications feed the template's queues and their consumer functions, the training
 * state machine behind a local Step Functions API, and the REST API.
 *
 * The handlers run in this process and share its environment, which this function sets
 * (see `handler-environment.ts`) and `close()` restores. Handler modules keep their
 * configuration and clients for the life of the process, so one process runs one stack.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  if (running) {
    throw new Error(
      'a local stack already runs in this process; start another process for a second one',
    );
  }
  running = true;
  try {
    const stack = await startParts(options);
    return {
      ...stack,
      close: async () => {
        await stack.close();
        running = false;
      },
    };
  } catch (error) {
    running = false;
    throw error;
  }
}

async function startParts(options: LocalStackOptions): Promise<LocalStack> {
  mkdirSync(options.dataDir, { recursive: true });
  // The manifest is read before the slower synthesis, so that a bad backbone fails at once.
  const backbone = options.backboneDir
    ? await readStackBackbone(options.backboneDir, options.featureLayer)
    : undefined;
  const logFile = join(options.dataDir, 'stack.log');
  const log = (entry: Record<string, unknown>) =>
    appendFileSync(
      logFile,
      `${JSON.stringify({ timestamp: new Date().toISOString(), ...entry })}\n`,
    );

  const template =
    options.template ??
    (await synthesizeTemplate({
      repoRoot: options.repoRoot,
      cacheDir: options.templateCacheDir ?? join(options.dataDir, 'template'),
    }));
  const model = readStackModel(template, { bucketName: LOCAL_BUCKET_NAME });
  const resolver = createLocalResolver(template, { bucketName: LOCAL_BUCKET_NAME });

  const closers: (() => Promise<void> | void)[] = [];
  const close = async () => {
    for (const closer of closers.reverse()) {
      await closer();
    }
  };

  try {
    // The S3 server starts first because the handlers need its endpoint in their environment.
    let onBucketEvent: (record: S3EventRecord) => void = () => undefined;
    const s3: LocalS3 = await startLocalS3({
      directory: join(options.dataDir, 's3'),
      bucket: LOCAL_BUCKET_NAME,
      port: options.ports?.s3,
      onEvent: (record) => onBucketEvent(record),
    });
    closers.push(() => s3.close());

    const environment = handlerEnvironment(model.functions, {
      bucketName: LOCAL_BUCKET_NAME,
      s3Endpoint: s3.endpoint,
      backboneDir: options.backboneDir,
      featureLayer: options.featureLayer,
    });
    closers.push(applyEnvironment(environment.variables));

    const functions = new LocalFunctions(
      model.functions,
      options.handlerLoader ?? moduleHandlerLoader(options.repoRoot),
    );
    const queues = createQueues(model, functions, resolver.getAtt.bind(resolver), {
      retryDelayMs: options.retryDelayMs ?? 1000,
      concurrency: options.queueConcurrency ?? 2,
      log,
    });
    closers.push(() => queues.forEach((queue) => queue.close()));
    const unrecordedFailureQueue = findUnrecordedFailureQueue(template, queues);
    onBucketEvent = routeBucketNotifications(
      model.queues
        .filter((queue) => queue.notificationRules.length > 0)
        .map((queue) => ({ queue: queues.get(queue.logicalId)!, rules: queue.notificationRules })),
    );

    const trainingStateMachine = new LocalStateMachine({
      stateMachineArn: resolver.ref(outputLogicalId(template, 'TrainingStateMachineArn')),
      definition: model.trainingStateMachine.definition,
      functions,
      persistDirectory: join(options.dataDir, 'executions'),
    });
    await trainingStateMachine.loadPersisted();
    closers.push(() => trainingStateMachine.close());

    const apiKey = randomBytes(20).toString('hex');
    const apiKeyId = 'local';
    const api: LocalApi = await startLocalApi({
      api: model.api,
      functions,
      apiKey,
      apiKeyId,
      port: options.ports?.api,
      log,
    });
    closers.push(() => api.close());

    const control: ControlServer = await startControlServer({
      stateMachines: [trainingStateMachine],
      port: options.ports?.control,
      log,
      status: () => ({
        queues: Object.fromEntries([...queues].map(([name, queue]) => [name, queue.stats()])),
        ...(unrecordedFailureQueue
          ? { unrecordedFailures: describeUnrecordedFailures(unrecordedFailureQueue) }
          : {}),
        functions: functions.names,
        executions: trainingStateMachine.list().length,
      }),
    });
    closers.push(() => control.close());

    log({ level: 'INFO', message: 'local stack started', s3: s3.endpoint, api: api.url });
    return {
      info: {
        s3Endpoint: s3.endpoint,
        bucket: LOCAL_BUCKET_NAME,
        apiUrl: api.url,
        apiKey,
        apiKeyId,
        stepFunctionsEndpoint: control.endpoint,
        trainingStateMachineArn: trainingStateMachine.stateMachineArn,
        logFile,
        backboneDir: options.backboneDir,
        backbone,
      },
      model,
      functions,
      trainingStateMachine,
      queues,
      unrecordedFailureQueue,
      environmentConflicts: environment.conflicts,
      waitForQueues: () => waitForAllQueues([...queues.values()]),
      close: async () => {
        log({ level: 'INFO', message: 'local stack stopping' });
        await close();
      },
    };
  } catch (error) {
    await close();
    throw error;
  }
}
