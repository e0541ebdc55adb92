import type { S3Event, SQSRecord } from 'aws-lambda';

/** One object change announced by S3. */
export interface ObjectChange {
  readonly eventName: string;
  /** The object key, decoded. */
  readonly key: string;
}

/**
 * Decodes an object key from an S3 event notification, where keys are form-URL-encoded:
 * a space arrives as `+` and other characters as `%XX`.
 */
export function decodeEventKey(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, ' '));
}

/**
 * Returns the object changes in an SQS message whose body is an S3 event notification.
 * The `s3:TestEvent` that S3 sends when the notification is set up yields none.
 * Throws SyntaxError for a body that is not JSON.
 */
export function objectChanges(record: SQSRecord): ObjectChange[] {
  const body = JSON.parse(record.body) as Partial<S3Event> & { Event?: string };
  if (body.Event === 's3:TestEvent' || !Array.isArray(body.Records)) {
    return [];
  }
  return body.Records.map((entry) => ({
    eventName: entry.eventName,
    key: decodeEventKey(entry.s3.object.key),
  }));
}

/** Returns how many times SQS has delivered this message, this delivery included. */
export function receiveCount(record: SQSRecord): number {
  const count = Number(record.attributes?.ApproximateReceiveCount);
  return Number.isFinite(count) && count > 0 ? count : 1;
}
