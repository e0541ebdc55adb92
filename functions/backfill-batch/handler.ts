import type { Context } from 'aws-lambda';
import { extractImage, recordGiveUp } from '../common/image-extraction.js';
import { createObservability, instrument } from '../common/observability.js';

const observability = createObservability('backfill-batch');
const { logger } = observability;

/**
 * One item of the backfill: what the Distributed Map's ItemBatcher sends, a batch of the
 * S3 listing (`Key`, `Etag`, `Size`, …). A ListObjects `Contents` entry (`ETag`) fits too,
 * so the local stack can pass its own listing.
 */
export interface BackfillBatchEvent {
  readonly Items: ReadonlyArray<{
    readonly Key: string;
    readonly Etag?: string;
    readonly ETag?: string;
  }>;
  readonly BatchInput?: unknown;
}

/** Counts per outcome of one batch. */
export interface BackfillBatchResult {
  readonly extracted: number;
  readonly unchanged: number;
  readonly rejected: number;
  readonly deleted: number;
  readonly ignored: number;
  readonly failed: number;
}

/**
 * Extracts every image of the batch that has no current feature vector or error record
 * for the deployed backbone and layer. An image whose extraction keeps failing gets a
 * retryable error record, so one bad image does not stop the backfill. Errors writing to
 * S3 fail the batch, and the state machine retries it.
 */
export const handler = instrument(
  observability,
  async (event: BackfillBatchEvent, _context: Context): Promise<BackfillBatchResult> => {
    const counts = { extracted: 0, unchanged: 0, rejected: 0, deleted: 0, ignored: 0, failed: 0 };
    for (const item of event.Items ?? []) {
      try {
        const outcome = await extractImage(observability, item.Key);
        counts[outcome.status] += 1;
      } catch (error) {
        await recordGiveUp(observability, item.Key, error, 1);
        counts.failed += 1;
      }
    }
    logger.info('backfill batch done', { items: event.Items?.length ?? 0, ...counts });
    return counts;
  },
);
