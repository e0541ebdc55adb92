import type { S3Event } from 'aws-lambda';
import { decodeEventKey } from '../queue/bucket-notifications.js';
import { LocalQueue } from '../queue/local-queue.js';
import type { LocalFunctions } from '../runtime/local-functions.js';
import { type CfnTemplate, TemplateError } from '../template/cloudformation.js';
import type { TemplateQueue } from '../template/queues.js';
import type { StackModel } from '../template/stack-model.js';
import { outputLogicalId } from '../template/state-machines.js';

/** The stack output with the ARN of the queue of upload events that record-failure could not record. */
export const UNRECORDED_FAILURES_OUTPUT = 'UnrecordedFailuresQueueArn';

/** Settings that every local queue of the stack shares. */
export interface LocalQueueSettings {
  readonly retryDelayMs: number;
  readonly concurrency: number;
  readonly log: (entry: Record<string, unknown>) => void;
}

/** The upload events in the unrecorded-failure queue, as `GET /local/status` reports them. */
export interface UnrecordedFailures {
  /** The queue's logical id. */
  readonly queue: string;
  readonly messages: number;
  /** The decoded object keys of the S3 events in those messages, in queue order. */
  readonly imageKeys: string[];
}

/**
 * Creates a local queue for every queue of the template, keyed by logical id. Each queue is
 * created after the queue that its redrive policy names, so that chains of dead-letter
 * queues work whatever the order of the template's resources.
 */
export function createQueues(
  model: StackModel,
  functions: LocalFunctions,
  getAtt: (logicalId: string, attribute: string) => string,
  settings: LocalQueueSettings,
): Map<string, LocalQueue> {
  const definitions = new Map(model.queues.map((queue) => [queue.logicalId, queue]));
  const queues = new Map<string, LocalQueue>();

  const create = (queue: TemplateQueue, sources: readonly string[]): LocalQueue => {
    const created = queues.get(queue.logicalId);
    if (created) {
      return created;
    }
    if (sources.includes(queue.logicalId)) {
      const cycle = [...sources, queue.logicalId].join(' -> ');
      throw new TemplateError(`the redrive policies of the queues form a cycle: ${cycle}`);
    }

    const target = queue.deadLetterQueueLogicalId;
    const deadLetterQueue = target
      ? create(definitions.get(target)!, [...sources, queue.logicalId])
      : undefined;
    const local = new LocalQueue({
      name: queue.logicalId,
      arn: getAtt(queue.logicalId, 'Arn'),
      maxReceiveCount: queue.maxReceiveCount,
      deadLetterQueue,
      retryDelayMs: settings.retryDelayMs,
      log: settings.log,
      consumer: queue.consumer && {
        invoke: (event) => functions.invoke(queue.consumer!.functionName, event),
        batchSize: queue.consumer.batchSize,
        batchingWindowMs: queue.consumer.maximumBatchingWindowSeconds * 1000,
        reportBatchItemFailures: queue.consumer.reportBatchItemFailures,
        concurrency: Math.min(settings.concurrency, queue.consumer.maximumConcurrency ?? Infinity),
      },
    });
    queues.set(queue.logicalId, local);
    return local;
  };

  for (const queue of model.queues) {
    create(queue, []);
  }
  return queues;
}

/**
 * Returns the queue that the {@link UNRECORDED_FAILURES_OUTPUT} output names, or undefined
 * for a template without that output.
 */
export function findUnrecordedFailureQueue(
  template: CfnTemplate,
  queues: ReadonlyMap<string, LocalQueue>,
): LocalQueue | undefined {
  if (!template.Outputs?.[UNRECORDED_FAILURES_OUTPUT]) {
    return undefined;
  }
  const logicalId = outputLogicalId(template, UNRECORDED_FAILURES_OUTPUT);
  const queue = queues.get(logicalId);
  if (!queue) {
    throw new TemplateError(
      `output ${UNRECORDED_FAILURES_OUTPUT} must refer to an SQS queue, but ${logicalId} is not one`,
    );
  }
  return queue;
}

/** Lists the messages of a queue without a consumer with the image keys of their S3 events. */
export function describeUnrecordedFailures(queue: LocalQueue): UnrecordedFailures {
  const bodies = queue.messages();
  return {
    queue: queue.name,
    messages: bodies.length,
    imageKeys: bodies.flatMap(eventKeys),
  };
}

/** Returns the decoded object keys of an S3 event body, none for any other body. */
function eventKeys(body: string): string[] {
  let event: Partial<S3Event>;
  try {
    event = JSON.parse(body) as Partial<S3Event>;
  } catch {
    return [];
  }
  const records = Array.isArray(event?.Records) ? event.Records : [];
  return records
    .map((record) => record?.s3?.object?.key)
    .filter((key): key is string => typeof key === 'string')
    .map(decodeEventKey);
}

/**
 * Waits until every queue with a consumer is idle at the same moment: a dead-letter
 * queue can receive messages after it was idle, while its source queue drains.
 */
export async function waitForAllQueues(queues: readonly LocalQueue[]): Promise<void> {
  for (;;) {
    await Promise.all(queues.map((queue) => queue.drained()));
    const busy = queues.some((queue) => {
      const stats = queue.stats();
      return queue.hasConsumer && stats.inFlight + stats.delayed + stats.visible > 0;
    });
    if (!busy) {
      return;
    }
  }
}
