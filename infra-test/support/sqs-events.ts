import { randomUUID } from 'node:crypto';
import type { S3EventRecord, SQSEvent, SQSRecord } from 'aws-lambda';

/** Builds an SQS message as Lambda receives it, with `body` as the message text. */
export function sqsRecord(body: string, receiveCount = 1): SQSRecord {
  return {
    messageId: randomUUID(),
    receiptHandle: 'test',
    body,
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: String(Date.now()),
      SenderId: 'test',
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:uploads',
    awsRegion: 'us-east-1',
  };
}

/** Builds an SQS batch whose messages each carry one S3 event record, as S3 sends them. */
export function sqsEventOf(records: readonly S3EventRecord[], receiveCount = 1): SQSEvent {
  return {
    Records: records.map((record) =>
      sqsRecord(JSON.stringify({ Records: [record] }), receiveCount),
    ),
  };
}

/**
 * Takes the S3 events recorded so far out of `events`, keeping those under `images/` as
 * the deployed notification filter does (the local server reports every key).
 */
export function drain(events: S3EventRecord[]): S3EventRecord[] {
  return events
    .splice(0, events.length)
    .filter((record) => record.s3.object.key.startsWith('images/'));
}
