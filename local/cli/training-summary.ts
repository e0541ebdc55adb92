import { modelKey } from '../../shared/store/keys.js';
import { ModelRegistry, type ModelMetricsDocument } from '../../shared/store/model-registry.js';
import { CliError } from './errors.js';
import type { StackTarget } from './target.js';

/** The model version that a finished training published, with its metrics. */
export interface TrainingSummary {
  readonly version: string;
  readonly loss?: string;
  readonly labels?: readonly string[];
  readonly backboneId?: string;
  readonly featureLayer?: string;
  readonly validation?: ModelMetricsDocument['validation'];
  /** The key of the HTML training report. */
  readonly reportKey?: string;
  /** The whole `metrics.json` of the version. */
  readonly metrics: ModelMetricsDocument;
}

/**
 * Reads the version from the training execution's output (`version`, or `model.version`)
 * and loads that version's `metrics.json` from the bucket.
 */
export async function summarizeTrainingOutput(
  target: Pick<StackTarget, 's3' | 'bucket'>,
  output: unknown,
): Promise<TrainingSummary> {
  const record = (output ?? {}) as { version?: unknown; model?: { version?: unknown } };
  const version = typeof record.version === 'string' ? record.version : record.model?.version;
  if (typeof version !== 'string') {
    throw new CliError(
      `the training output names no model version: ${JSON.stringify(output).slice(0, 300)}`,
      'List the published versions with `vgg-probe models`.',
    );
  }

  const metrics = await new ModelRegistry(target.s3, target.bucket).loadMetrics(version);
  return {
    version,
    loss: metrics.loss,
    labels: metrics.labels,
    backboneId: metrics.backboneId,
    featureLayer: metrics.featureLayer,
    validation: metrics.validation,
    reportKey: modelKey(version, 'report.html'),
    metrics,
  };
}
