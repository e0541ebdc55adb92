import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { resolveBackbone } from '../../shared/backbone/backbone-manifest.js';
import { defaultBackboneDir } from '../../shared/backbone/runtime-paths.js';
import {
  recordExtractionFailure,
  RETRYABLE_FAILURE_REASON,
  type FeatureSpace,
} from '../../shared/store/index.js';
import { createObservability, instrument, MetricUnit } from '../common/observability.js';
import { featureStore, pipelineConfig } from '../common/runtime.js';
import { objectChanges, receiveCount } from '../common/s3-events.js';

const observability = createObservability('record-failure');
const { logger, metrics } = observability;

let space: Promise<FeatureSpace> | undefined;

/**
 * Consumes the dead-letter queue of extraction: each message there failed every delivery
 * (the extract function crashed, ran out of memory or timed out). It writes a retryable
 * error record for each image, so that every upload ends as features or as an error
 * record. It reads only the backbone manifest, never the weights.
 */
export const handler = instrument(
  observability,
  async (event: SQSEvent, _context: Context): Promise<SQSBatchResponse> => {
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    space ??= extractionSpace();
    const store = featureStore(await space);

    for (const record of event.Records) {
      try {
        for (const change of objectChanges(record)) {
          const message =
            `extraction failed on every delivery of the ${change.eventName} event; ` +
            "see the extract function's logs";
          const reason = await recordExtractionFailure(
            store,
            change.key,
            message,
            receiveCount(record),
          );
          if (reason === RETRYABLE_FAILURE_REASON) {
            metrics.addMetric('ExtractionFailures', MetricUnit.Count, 1);
            logger.error('recorded failed extraction', { imageKey: change.key, ...store.space });
          }
        }
      } catch (error) {
        logger.error('could not record failed extraction', {
          messageId: record.messageId,
          error: error as Error,
        });
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures };
  },
);

/** The backbone id and feature layer that the extract function uses. */
async function extractionSpace(): Promise<FeatureSpace> {
  const config = pipelineConfig();
  const { manifest } = await resolveBackbone(config.backboneDir ?? defaultBackboneDir());
  return { backboneId: manifest.id, featureLayer: config.featureLayer ?? manifest.featureLayer };
}
