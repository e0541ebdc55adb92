import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { extractImage, recordGiveUp } from '../common/image-extraction.js';
import { createObservability, instrument } from '../common/observability.js';
import { objectChanges, receiveCount } from '../common/s3-events.js';

const observability = createObservability('extract');
const { logger } = observability;

/** Deliveries after which a failing image gets an error record instead of another retry. */
const maxReceiveCount = Number(process.env.MAX_RECEIVE_COUNT ?? 3);

/**
 * Extracts the feature vector of each image in a batch of S3 event notifications from SQS.
 * Messages that fail are reported as batch item failures so that SQS retries only them;
 * on their last delivery an error record is written instead.
 */
export const handler = instrument(
  observability,
  async (event: SQSEvent, _context: Context): Promise<SQSBatchResponse> => {
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];

    for (const record of event.Records) {
      let changes;
      try {
        changes = objectChanges(record);
      } catch (error) {
        // A body that is not an S3 event can never succeed; drop it with a log line.
        logger.error('message is not an S3 event notification', {
          messageId: record.messageId,
          error: error as Error,
        });
        continue;
      }

      for (const change of changes) {
        try {
          await extractImage(observability, change.key);
        } catch (error) {
          const attempts = receiveCount(record);
          if (attempts >= maxReceiveCount) {
            await recordGiveUp(observability, change.key, error, attempts);
          } else {
            logger.warn('extraction failed, will retry', {
              imageKey: change.key,
              attempts,
              error: error as Error,
            });
            batchItemFailures.push({ itemIdentifier: record.messageId });
            break;
          }
        }
      }
    }
    return { batchItemFailures };
  },
);
