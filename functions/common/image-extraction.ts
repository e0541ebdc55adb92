import { DEFAULT_MAX_INPUT_BYTES } from '../../shared/image/index.js';
import { recordExtractionFailure, syncImage, type SyncOutcome } from '../../shared/store/index.js';
import { classifyExtractionError, featureExtractor } from './extractor.js';
import { MetricUnit, type Observability } from './observability.js';
import { featureStore } from './runtime.js';

/**
 * Brings one image's feature vector up to date (see syncImage), with a log line and
 * metrics per image. Transient errors are raised for the caller's retry policy.
 */
export async function extractImage(
  observability: Observability,
  imageKey: string,
): Promise<SyncOutcome> {
  const { logger, metrics } = observability;
  const extractor = await featureExtractor(logger);
  const store = featureStore({
    backboneId: extractor.backboneId,
    featureLayer: extractor.featureLayer,
  });

  const outcome = await syncImage(store, extractor, imageKey, {
    classifyError: classifyExtractionError,
    maxImageBytes: DEFAULT_MAX_INPUT_BYTES,
  });

  switch (outcome.status) {
    case 'extracted':
      metrics.addMetric('ImagesExtracted', MetricUnit.Count, 1);
      metrics.addMetric('ExtractMs', MetricUnit.Milliseconds, outcome.timings.extractMs);
      logger.info('image extracted', {
        imageKey,
        backboneId: extractor.backboneId,
        featureLayer: extractor.featureLayer,
        downloadMs: Math.round(outcome.timings.downloadMs),
        extractMs: Math.round(outcome.timings.extractMs),
        totalMs: Math.round(outcome.timings.totalMs),
      });
      break;
    case 'rejected':
      metrics.addMetric('ExtractionFailures', MetricUnit.Count, 1);
      // Powertools reserves the `message` key and would drop it, so the detail goes under another.
      logger.warn('image rejected', {
        imageKey,
        reason: outcome.reason,
        errorMessage: outcome.message,
      });
      break;
    default:
      logger.info(`image ${outcome.status}`, { imageKey });
  }
  return outcome;
}

/**
 * Writes a retryable error record after the last failed attempt on an image, so that the
 * upload does not vanish without a trace.
 */
export async function recordGiveUp(
  observability: Observability,
  imageKey: string,
  error: unknown,
  attempts: number,
): Promise<void> {
  const { logger, metrics } = observability;
  const extractor = await featureExtractor(logger);
  const store = featureStore({
    backboneId: extractor.backboneId,
    featureLayer: extractor.featureLayer,
  });
  const message = `extraction failed after ${attempts} attempts: ${(error as Error)?.message ?? String(error)}`;
  const reason = await recordExtractionFailure(store, imageKey, message, attempts);
  if (reason !== undefined) {
    metrics.addMetric('ExtractionFailures', MetricUnit.Count, 1);
    logger.error('gave up on image', { imageKey, attempts, error: error as Error });
  }
}
