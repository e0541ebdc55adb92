import { createHash, randomUUID } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { toLambdaErrorPayload } from '../runtime/lambda-error.js';
import type { InvocationResult } from '../runtime/local-functions.js';

/** The function that drains a queue, with the settings of its event source mapping. */
export interface LocalQueueConsumer {
  readonly invoke: (event: SQSEvent) => Promise<InvocationResult>;
  /** Messages per invocation at most. */
  readonly batchSize: number;
  /** How long to wait for a full batch before delivering a smaller one, in ms. */
  readonly batchingWindowMs: number;
  readonly reportBatchItemFailures: boolean;
  /** Batches in flight at the same time at most. */
  readonly concurrency: number;
}

/** Options for {@link LocalQueue}. */
export interface LocalQueueOptions {
  readonly name: string;
  readonly arn: string;
  /** @default no consumer: messages stay in the queue until read with {@link LocalQueue.messages} */
  readonly consumer?: LocalQueueConsumer;
  /** Failed deliveries after which a message moves to `deadLetterQueue`. */
  readonly maxReceiveCount?: number;
  readonly deadLetterQueue?: LocalQueue;
  /**
   * Delay before a failed message is delivered again, in ms. SQS waits for the visibility
   * timeout instead; locally a short delay keeps retries quick.
   * @default 500
   */
  readonly retryDelayMs?: number;
  /** Receives one entry per failed delivery and per dead-lettered message. */
  readonly log?: (entry: QueueLogEntry) => void;
}

/** A log entry about a delivery that failed or a message that moved to the dead-letter queue. */
export interface QueueLogEntry {
  readonly level: 'WARN' | 'ERROR';
  readonly message: string;
  readonly queue: string;
  readonly [key: string]: unknown;
}

/** Counts of a queue's messages by state. */
export interface QueueStats {
  readonly visible: number;
  readonly inFlight: number;
  /** Failed messages waiting for their retry delay. */
  readonly delayed: number;
  readonly sent: number;
  readonly deleted: number;
  readonly deadLettered: number;
}

interface Message {
  readonly messageId: string;
  readonly body: string;
  readonly sentTimestamp: number;
  receiveCount: number;
  firstReceiveTimestamp?: number;
}

/**
 * An in-memory SQS queue with a Lambda event source mapping. It delivers messages in
 * SQS-shaped batches to its consumer and deletes those that succeed. It retries those that
 * fail: the whole batch when the function throws, else the `batchItemFailures` it reports.
 * A message that failed `maxReceiveCount` times moves to the dead-letter queue.
 */
export class LocalQueue {
  readonly name: string;
  readonly arn: string;
  private readonly visible: Message[] = [];
  private readonly delayedTimers = new Set<NodeJS.Timeout>();
  private delayedCount = 0;
  private inFlight = 0;
  private activeBatches = 0;
  private sent = 0;
  private deleted = 0;
  private deadLettered = 0;
  private windowTimer?: NodeJS.Timeout;
  private pollScheduled = false;
  private closed = false;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly options: LocalQueueOptions) {
    this.name = options.name;
    this.arn = options.arn;
  }

  /** Whether a function drains this queue. */
  get hasConsumer(): boolean {
    return this.options.consumer !== undefined;
  }

  /** Adds a message and returns its id. */
  send(body: string): string {
    if (this.closed) {
      throw new Error(`queue ${this.name} is closed; start the local stack again to send messages`);
    }
    const messageId = randomUUID();
    this.visible.push({ messageId, body, sentTimestamp: Date.now(), receiveCount: 0 });
    this.sent += 1;
    this.poll();
    return messageId;
  }

  stats(): QueueStats {
    return {
      visible: this.visible.length,
      inFlight: this.inFlight,
      delayed: this.delayedCount,
      sent: this.sent,
      deleted: this.deleted,
      deadLettered: this.deadLettered,
    };
  }

  /** Returns the bodies of the messages waiting in the queue, for a queue without a consumer. */
  messages(): string[] {
    return this.visible.map((message) => message.body);
  }

  /**
   * Resolves when the queue has nothing visible, in flight or waiting for a retry. A queue
   * without a consumer counts as drained, since nothing would ever take its messages.
   */
  drained(): Promise<void> {
    if (this.isIdle()) {
      return Promise.resolve();
    }
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops deliveries; batches in flight finish, retries still waiting are dropped. */
  close(): void {
    this.closed = true;
    clearTimeout(this.windowTimer);
    for (const timer of this.delayedTimers) {
      clearTimeout(timer);
    }
    this.delayedTimers.clear();
    this.delayedCount = 0;
    this.notifyIfIdle();
  }

  private isIdle(): boolean {
    if (!this.options.consumer || this.closed) {
      return this.inFlight === 0;
    }
    return this.visible.length === 0 && this.inFlight === 0 && this.delayedCount === 0;
  }

  private notifyIfIdle(): void {
    if (this.isIdle()) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) {
        resolve();
      }
    }
  }

  /**
   * Schedules a delivery round on the next turn of the event loop, like the event source
   * mapping's next poll, so that messages sent together can share a batch.
   */
  private poll(): void {
    if (this.pollScheduled) {
      return;
    }
    this.pollScheduled = true;
    setImmediate(() => {
      this.pollScheduled = false;
      this.schedule();
    });
  }

  private schedule(): void {
    const consumer = this.options.consumer;
    if (!consumer || this.closed) {
      return;
    }

    while (this.visible.length > 0 && this.activeBatches < consumer.concurrency) {
      if (this.visible.length < consumer.batchSize && consumer.batchingWindowMs > 0) {
        // Waits for a fuller batch, as the event source mapping's batching window does.
        this.windowTimer ??= setTimeout(() => {
          this.windowTimer = undefined;
          this.deliverNow();
        }, consumer.batchingWindowMs);
        return;
      }
      this.deliver(this.visible.splice(0, consumer.batchSize));
    }
  }

  private deliverNow(): void {
    const consumer = this.options.consumer;
    while (consumer && !this.closed && this.visible.length > 0) {
      if (this.activeBatches >= consumer.concurrency) {
        return;
      }
      this.deliver(this.visible.splice(0, consumer.batchSize));
    }
  }

  private deliver(batch: Message[]): void {
    const consumer = this.options.consumer!;
    this.activeBatches += 1;
    this.inFlight += batch.length;

    const now = Date.now();
    for (const message of batch) {
      message.receiveCount += 1;
      message.firstReceiveTimestamp ??= now;
    }
    const event: SQSEvent = { Records: batch.map((message) => this.toRecord(message)) };

    void consumer
      .invoke(event)
      .catch((error: unknown): InvocationResult => {
        // An invocation that could not even start (for example an unknown function) fails the batch.
        return { ok: false, error: toLambdaErrorPayload(error), requestId: 'none' };
      })
      .then((result) => this.failedMessages(batch, result))
      .then((failed) => {
        for (const message of batch) {
          if (failed.has(message.messageId)) {
            this.retryOrDeadLetter(message);
          } else {
            this.deleted += 1;
          }
        }
      })
      .finally(() => {
        this.activeBatches -= 1;
        this.inFlight -= batch.length;
        if (this.visible.length > 0) {
          this.schedule();
        }
        this.notifyIfIdle();
      });
  }

  /** Returns the ids of the messages that a batch result leaves undeleted. */
  private failedMessages(batch: Message[], result: InvocationResult): Set<string> {
    const all = new Set(batch.map((message) => message.messageId));
    if (!result.ok) {
      this.log('WARN', 'batch failed, all its messages will be retried', {
        requestId: result.requestId,
        errorType: result.error.errorType,
        errorMessage: result.error.errorMessage,
        messageIds: [...all],
      });
      return all;
    }
    if (!this.options.consumer?.reportBatchItemFailures) {
      return new Set();
    }

    const response = result.payload as Partial<SQSBatchResponse> | null;
    const failures = response?.batchItemFailures ?? [];
    const failed = new Set<string>();
    for (const failure of failures) {
      if (!all.has(failure?.itemIdentifier)) {
        // Lambda treats an unknown or missing identifier as a failure of the whole batch.
        this.log('WARN', 'invalid batchItemFailures entry, all messages will be retried', {
          requestId: result.requestId,
          itemIdentifier: failure?.itemIdentifier ?? null,
        });
        return all;
      }
      failed.add(failure.itemIdentifier);
    }
    return failed;
  }

  private retryOrDeadLetter(message: Message): void {
    const { maxReceiveCount, deadLetterQueue } = this.options;
    if (maxReceiveCount !== undefined && message.receiveCount >= maxReceiveCount) {
      this.deadLettered += 1;
      this.log('ERROR', 'message moved to the dead-letter queue', {
        messageId: message.messageId,
        receiveCount: message.receiveCount,
        deadLetterQueue: deadLetterQueue?.name ?? null,
      });
      deadLetterQueue?.send(message.body);
      return;
    }

    this.delayedCount += 1;
    const timer = setTimeout(() => {
      this.delayedTimers.delete(timer);
      this.delayedCount -= 1;
      this.visible.push(message);
      this.poll();
    }, this.options.retryDelayMs ?? 500);
    this.delayedTimers.add(timer);
  }

  private toRecord(message: Message): SQSRecord {
    return {
      messageId: message.messageId,
      receiptHandle: `${message.messageId}#${message.receiveCount}`,
      body: message.body,
      attributes: {
        ApproximateReceiveCount: String(message.receiveCount),
        SentTimestamp: String(message.sentTimestamp),
        SenderId: 'local',
        ApproximateFirstReceiveTimestamp: String(message.firstReceiveTimestamp),
      },
      messageAttributes: {},
      md5OfBody: createHash('md5').update(message.body).digest('hex'),
      eventSource: 'aws:sqs',
      eventSourceARN: this.arn,
      awsRegion: this.arn.split(':')[3] || 'us-east-1',
    };
  }

  private log(level: QueueLogEntry['level'], message: string, keys: Record<string, unknown>) {
    this.options.log?.({ level, message, queue: this.name, ...keys });
  }
}
