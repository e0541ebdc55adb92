import { checkChunk, InMemoryFeatureSource } from './dataset.js';
import type { EffectiveWeights } from './effective-weights.js';
import { scoreRows } from './forward-pass.js';
import { createSampleLoss, type LossConfig } from './loss.js';
import { computeEvaluation, type EvaluationOptions, type EvaluationReport, type ScoredSamples } from './metrics.js';
import { scoringWeights, type LinearModel } from './model.js';
import { identityRows, type RowView } from './row-view.js';
import type { FeatureDataset, FeatureSource } from './types.js';

/** Scored samples with their mean data loss. */
export interface ScoredSet extends ScoredSamples {
  readonly meanLoss: number;
}

/** Scores every row of `views` and computes the mean loss of `lossConfig`. */
export async function scoreViews(
  views: AsyncIterable<RowView>,
  effective: EffectiveWeights,
  lossConfig: LossConfig,
): Promise<ScoredSet> {
  const numClasses = effective.numClasses;
  const loss = createSampleLoss(lossConfig);
  const parts: Float64Array[] = [];
  const labels: number[] = [];
  const ids: string[] = [];
  const grads = new Float64Array(numClasses);
  let lossSum = 0;

  for await (const view of views) {
    const scores = new Float64Array(view.rows.length * numClasses);
    scoreRows(view, 0, view.rows.length, effective, scores);
    view.rows.forEach((row, i) => {
      labels.push(view.labels[row]);
      ids.push(view.ids[row]);
      lossSum += loss(scores, i * numClasses, numClasses, view.labels[row], grads, 0);
    });
    parts.push(scores);
  }

  const scores = new Float64Array(labels.length * numClasses);
  let offset = 0;
  for (const part of parts) {
    scores.set(part, offset);
    offset += part.length;
  }
  return { scores, labels: Int32Array.from(labels), ids, meanLoss: labels.length > 0 ? lossSum / labels.length : 0 };
}

/**
 * Evaluates `model` on labelled feature vectors whose labels index `model.labels`:
 * accuracy, top-k, per-class precision, recall and F1, macro averages, the confusion
 * matrix, the most confidently wrong samples and the mean loss.
 */
export async function evaluateModel(
  model: LinearModel,
  data: FeatureSource | FeatureDataset,
  options: EvaluationOptions = {},
): Promise<EvaluationReport> {
  const scored = await scoreViews(viewsOf(model, data), scoringWeights(model), model.loss);
  return computeEvaluation(scored, model.labels, options, scored.meanLoss);
}

async function* viewsOf(model: LinearModel, data: FeatureSource | FeatureDataset): AsyncGenerator<RowView> {
  const source = 'batches' in data ? data : new InMemoryFeatureSource(data);
  if (source instanceof InMemoryFeatureSource) {
    checkChunk(source.dataset, model.dim, model.labels, 'the evaluation data');
    yield { ...source.dataset, rows: identityRows(source.rowCount) };
    return;
  }
  for await (const chunk of source.batches()) {
    checkChunk(chunk, model.dim, model.labels, 'the evaluation data');
    yield { ...chunk, dim: model.dim, rows: identityRows(chunk.labels.length) };
  }
}
