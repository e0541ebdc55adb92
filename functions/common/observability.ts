import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';

export { MetricUnit };

/** The Powertools logger and metrics of one function. */
export interface Observability {
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/**
 * Creates the logger (JSON lines with the service, cold start and request id) and the
 * metrics (CloudWatch embedded metric format, namespace `VggProbe`) of a function.
 * `POWERTOOLS_LOG_LEVEL` and `POWERTOOLS_METRICS_DISABLED` apply as usual.
 */
export function createObservability(functionName: string): Observability {
  const logger = new Logger({
    serviceName: 'vgg-probe',
    persistentKeys: { handler: functionName },
  });
  const metrics = new Metrics({
    namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'VggProbe',
    serviceName: 'vgg-probe',
    defaultDimensions: { handler: functionName },
  });
  return { logger, metrics };
}

/**
 * Wraps a handler: adds the Lambda context to the logs, logs and re-raises errors, and
 * publishes the metrics stored during the invocation whatever the outcome.
 */
export function instrument<E, R>(
  observability: Observability,
  handler: (event: E, context: Context) => Promise<R>,
): (event: E, context: Context) => Promise<R> {
  const { logger, metrics } = observability;
  return async (event, context) => {
    logger.addContext(context);
    metrics.captureColdStartMetric();
    try {
      return await handler(event, context);
    } catch (error) {
      logger.error('invocation failed', { error: error as Error });
      throw error;
    } finally {
      metrics.publishStoredMetrics();
      logger.resetKeys();
    }
  };
}
