import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { InvocationResult } from '../runtime/local-functions.js';
import { LocalQueue, type LocalQueueConsumer } from './local-queue.js';

const ARN = 'arn:aws:sqs:us-east-1:000000000000:Uploads';

function consumer(
  invoke: (event: SQSEvent) => Promise<InvocationResult>,
  overrides: Partial<LocalQueueConsumer> = {},
): LocalQueueConsumer {
  return {
    invoke,
    batchSize: 4,
    batchingWindowMs: 0,
    reportBatchItemFailures: true,
    concurrency: 2,
    ...overrides,
  };
}

const ok = (payload: unknown = null): InvocationResult => ({ ok: true, payload, requestId: 'r' });

describe('LocalQueue', () => {
  it('delivers bodies in SQS records', async () => {
    const events: SQSEvent[] = [];
    const queue = new LocalQueue({
      name: 'Uploads',
      arn: ARN,
      consumer: consumer(async (event) => {
        events.push(event);
        return ok();
      }),
    });
    queue.send('{"a":1}');
    await queue.drained();

    const record = events[0].Records[0];
    expect(record.body).toBe('{"a":1}');
    expect(record.eventSource).toBe('aws:sqs');
    expect(record.eventSourceARN).toBe(ARN);
    expect(record.attributes.ApproximateReceiveCount).toBe('1');
  });

  it('splits messages into batches', async () => {
    const sizes: number[] = [];
    const queue = new LocalQueue({
      name: 'Uploads',
      arn: ARN,
      consumer: consumer(
        async (event) => {
          sizes.push(event.Records.length);
          return ok();
        },
        { concurrency: 1 },
      ),
    });
    for (let index = 0; index < 10; index += 1) {
      queue.send(String(index));
    }
    await queue.drained();

    expect(sizes).toEqual([4, 4, 2]);
    expect(queue.stats().deleted).toBe(10);
  });

  it('fills a batch within the window', async () => {
    const sizes: number[] = [];
    const queue = new LocalQueue({
      name: 'Uploads',
      arn: ARN,
      consumer: consumer(
        async (event) => {
          sizes.push(event.Records.length);
          return ok();
        },
        { batchingWindowMs: 50 },
      ),
    });
    queue.send('1');
    queue.send('2');
    queue.send('3');
    await queue.drained();

    expect(sizes).toEqual([3]);
  });

  it('retries reported item failures only', async () => {
    const received: string[] = [];
    const queue = new LocalQueue({
      name: 'Uploads',
      arn: ARN,
      retryDelayMs: 10,
      consumer: consumer(async (event) => {
        received.push(...event.Records.map((record) => record.body));
        const failures = event.Records.filter(
          (record) => record.body === 'bad' && record.attributes.ApproximateReceiveCount === '1',
        ).map((record) => ({ itemIdentifier: record.messageId }));
        return ok({ batchItemFailures: failures });
      }),
    });
    queue.send('good');
    queue.send('bad');
    await queue.drained();

    expect(received).toEqual(['good', 'bad', 'bad']);
  });

  it('retries the whole batch when the handler throws', async () => {
    let calls = 0;
    const queue = new LocalQueue({
      name: 'Uploads',
      arn: ARN,
      retryDelayMs: 10,
      consumer: consumer(async () => {
        calls += 1;
        if (calls === 1) {
          return {
            ok: false,
            requestId: 'r',
            error: { errorType: 'Error', errorMessage: 'boom', trace: [] },
          };
        }
        return ok();
      }),
    });
    queue.send('a');
    queue.send('b');
    await queue.drained();

    expect(calls).toBe(2);
    expect(queue.stats().deleted).toBe(2);
  });

  it('moves a message to the dead-letter queue', async () => {
    const deadLetters = new LocalQueue({ name: 'DeadLetters', arn: `${ARN}-dlq` });
    const logged: string[] = [];
    const queue = new LocalQueue({
      name: 'Uploads',
      arn: ARN,
      retryDelayMs: 5,
      maxReceiveCount: 3,
      deadLetterQueue: deadLetters,
      log: (entry) => logged.push(entry.message),
      consumer: consumer(async (event) =>
        ok({
          batchItemFailures: event.Records.map((record) => ({ itemIdentifier: record.messageId })),
        }),
      ),
    });
    queue.send('poison');
    await queue.drained();

    expect(deadLetters.messages()).toEqual(['poison']);
    expect(queue.stats().deadLettered).toBe(1);
    expect(logged).toContain('message moved to the dead-letter queue');
  });

  it('chains two dead-letter queues', async () => {
    const unrecorded = new LocalQueue({ name: 'UnrecordedFailures', arn: `${ARN}-unrecorded` });
    const deliveries: Record<string, string[]> = { Uploads: [], DeadLetters: [] };
    const failAll = (name: string) =>
      consumer(async (event) => {
        deliveries[name].push(...event.Records.map((r) => r.attributes.ApproximateReceiveCount));
        return ok({
          batchItemFailures: event.Records.map((record) => ({ itemIdentifier: record.messageId })),
        });
      });
    const deadLetters = new LocalQueue({
      name: 'DeadLetters',
      arn: `${ARN}-dlq`,
      retryDelayMs: 5,
      maxReceiveCount: 5,
      deadLetterQueue: unrecorded,
      consumer: failAll('DeadLetters'),
    });
    const uploads = new LocalQueue({
      name: 'Uploads',
      arn: ARN,
      retryDelayMs: 5,
      maxReceiveCount: 3,
      deadLetterQueue: deadLetters,
      consumer: failAll('Uploads'),
    });
    uploads.send('poison');
    await uploads.drained();
    await deadLetters.drained();

    expect(deliveries.Uploads).toEqual(['1', '2', '3']);
    expect(deliveries.DeadLetters).toEqual(['1', '2', '3', '4', '5']);
    expect(unrecorded.messages()).toEqual(['poison']);
    expect(deadLetters.stats().deadLettered).toBe(1);
    expect(deadLetters.stats().deleted).toBe(0);
  });

  it('retries when the invocation cannot start', async () => {
    let calls = 0;
    const queue = new LocalQueue({
      name: 'Uploads',
      arn: ARN,
      retryDelayMs: 5,
      consumer: consumer(async () => {
        calls += 1;
        if (calls === 1) {
          throw new Error('function not found');
        }
        return ok();
      }),
    });
    queue.send('a');
    await queue.drained();

    expect(calls).toBe(2);
    expect(queue.stats().deleted).toBe(1);
  });

  it('treats an unknown item identifier as a batch failure', async () => {
    let calls = 0;
    const queue = new LocalQueue({
      name: 'Uploads',
      arn: ARN,
      retryDelayMs: 5,
      consumer: consumer(async () => {
        calls += 1;
        return ok(calls === 1 ? { batchItemFailures: [{ itemIdentifier: 'nope' }] } : {});
      }),
    });
    queue.send('a');
    await queue.drained();

    expect(calls).toBe(2);
  });

  it('bounds the batches in flight', async () => {
    let active = 0;
    let maxActive = 0;
    const queue = new LocalQueue({
      name: 'Uploads',
      arn: ARN,
      consumer: consumer(
        async () => {
          active += 1;
          maxActive = Math.max(maxActive, active);
          await new Promise((resolve) => setTimeout(resolve, 10));
          active -= 1;
          return ok();
        },
        { batchSize: 1, concurrency: 2 },
      ),
    });
    for (let index = 0; index < 6; index += 1) {
      queue.send(String(index));
    }
    await queue.drained();

    expect(maxActive).toBe(2);
  });
});
