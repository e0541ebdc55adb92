import type { S3EventRecord } from 'aws-lambda';
import { type NotificationRule, ruleMatches } from '../template/queues.js';
import type { LocalQueue } from './local-queue.js';

/** A queue with the notification rules that feed it. */
export interface NotificationTarget {
  readonly queue: LocalQueue;
  readonly rules: readonly NotificationRule[];
}

/** Decodes a key from an S3 event notification, where a space arrives as `+`. */
export function decodeEventKey(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, ' '));
}

/**
 * Returns a listener for the local S3 server's notifications that sends each matching
 * record to its queues as S3 sends it to SQS: one message whose body is an S3 event with
 * that record.
 */
export function routeBucketNotifications(
  targets: readonly NotificationTarget[],
): (record: S3EventRecord) => void {
  return (record) => {
    const key = decodeEventKey(record.s3.object.key);
    const body = JSON.stringify({ Records: [record] });

    for (const target of targets) {
      if (target.rules.some((rule) => ruleMatches(rule, record.eventName, key))) {
        target.queue.send(body);
      }
    }
  };
}
