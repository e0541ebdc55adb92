import { readFile } from 'node:fs/promises';
import { computeEvaluation, type EvaluationReport } from '../../shared/linear/metrics.js';
import { type ApiClient, expectOk } from './api-client.js';
import { mapWithConcurrency } from './concurrency.js';
import { CliError } from './errors.js';
import { contentTypeOf, type LabelledImage } from './image-folders.js';
import type { Progress } from './progress.js';

/** One class score of a prediction, as `POST /predict` returns it. */
export interface PredictedScore {
  readonly label: string;
  readonly score: number;
  readonly confidence: number;
}

/** The body of a `POST /predict` response, with the fields the CLI reads. */
export interface PredictResponse {
  /** The top class, or null when its confidence is below a threshold. */
  readonly label: string | null;
  readonly topLabel?: string;
  readonly confidence: number;
  readonly scores: readonly PredictedScore[];
  readonly modelVersion?: string;
  readonly [field: string]: unknown;
}

/** A prediction for one file. */
export interface FilePrediction {
  readonly file: string;
  readonly response: PredictResponse;
}

/** Sends each file to `POST /predict`, a few at a time, and returns the responses in order. */
export async function predictFiles(
  api: ApiClient,
  files: readonly { file: string; contentType: string }[],
  options: { progress: Progress; query?: Record<string, string>; concurrency?: number },
): Promise<FilePrediction[]> {
  options.progress.start(files.length, 'predict');
  const predictions = await mapWithConcurrency(
    files,
    options.concurrency ?? 4,
    async ({ file, contentType }) => {
      const response = expectOk(
        await api.predict<PredictResponse>(await readFile(file), contentType, options.query),
        `prediction of ${file}`,
      );
      options.progress.increment();
      return { file, response };
    },
  );
  options.progress.stop();
  return predictions;
}

/** The result of evaluating a labelled folder over the API. */
export interface FolderEvaluation {
  readonly report: EvaluationReport;
  readonly labels: readonly string[];
  readonly modelVersion?: string;
  /** Images whose label the model does not know, left out of the metrics. */
  readonly unknownLabels: readonly string[];
  readonly durationMs: number;
}

/**
 * Predicts every image of a labelled folder over the API and computes accuracy, per-class
 * precision, recall and F1, the confusion matrix and the most confidently wrong images.
 */
export async function evaluateImages(
  api: ApiClient,
  images: readonly LabelledImage[],
  progress: Progress,
): Promise<FolderEvaluation> {
  const started = Date.now();
  const predictions = await predictFiles(
    api,
    images.map((image) => ({ file: image.file, contentType: contentTypeOf(image.format) })),
    { progress },
  );

  const labels = [...(predictions[0]?.response.scores ?? [])].map((score) => score.label).sort();
  const known = new Set(labels);
  const unknownLabels = [
    ...new Set(images.map((image) => image.label).filter((label) => !known.has(label))),
  ];
  const scored = images.flatMap((image, index) =>
    known.has(image.label) ? [{ image, prediction: predictions[index] }] : [],
  );
  if (scored.length === 0) {
    throw new CliError(
      `none of the folder's labels (${[...new Set(images.map((image) => image.label))].join(', ')}) ` +
        `is a class of the model (${labels.join(', ')})`,
      'Evaluate a folder whose subfolders are named after the classes the model was trained on.',
    );
  }

  const scores = new Float64Array(scored.length * labels.length);
  scored.forEach(({ prediction }, row) => {
    for (const score of prediction.response.scores) {
      scores[row * labels.length + labels.indexOf(score.label)] = score.score;
    }
  });
  const report = computeEvaluation(
    {
      scores,
      labels: Int32Array.from(scored.map(({ image }) => labels.indexOf(image.label))),
      ids: scored.map(({ image }) => image.file),
    },
    labels,
  );
  return {
    report,
    labels,
    modelVersion: predictions[0]?.response.modelVersion,
    unknownLabels,
    durationMs: Date.now() - started,
  };
}
