import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { isImageDecodeError } from '../../shared/image/index.js';
import { ModelFormatError, type FeatureExtractor } from '../../shared/backbone/index.js';
import { predict, type LinearModel } from '../../shared/linear/index.js';
import { ModelNotFoundError } from '../../shared/store/index.js';
import { currentModel } from '../common/current-model.js';
import { backboneManifest, featureExtractor } from '../common/extractor.js';
import { errorResponse, HttpError, jsonResponse } from '../common/http.js';
import { createObservability, instrument, MetricUnit } from '../common/observability.js';
import { modelRegistry } from '../common/runtime.js';
import { loadImage } from './image-source.js';
import { parsePredictRequest } from './request.js';

const observability = createObservability('predict');
const { logger, metrics } = observability;

/**
 * POST /predict: classifies one image with the model that `models/current.json` points to.
 * Errors are JSON `{"message": …}` with 400 (invalid image or body), 404 (s3Key not
 * found), 413 (too large), 415 (unsupported Content-Type) or 503 (no usable model).
 */
export const handler = instrument(
  observability,
  async (event: APIGatewayProxyEvent, _context: Context): Promise<APIGatewayProxyResult> => {
    const started = performance.now();
    try {
      if (event.httpMethod !== 'POST') {
        throw new HttpError(
          405,
          `${event.httpMethod} is not allowed on ${event.resource ?? event.path}; use POST`,
        );
      }
      const request = parsePredictRequest(event);
      const response = await classify(request, started);
      metrics.addMetric('Predictions', MetricUnit.Count, 1);
      metrics.addMetric('PredictLatency', MetricUnit.Milliseconds, performance.now() - started);
      return jsonResponse(200, response);
    } catch (error) {
      metrics.addMetric('PredictErrors', MetricUnit.Count, 1);
      if (error instanceof HttpError) {
        logger.warn('request rejected', { statusCode: error.statusCode, message: error.message });
        return errorResponse(error);
      }
      throw error;
    }
  },
);

async function classify(request: ReturnType<typeof parsePredictRequest>, started: number) {
  const loaded = await currentModel(modelRegistry(), logger).catch((error: unknown) => {
    if (error instanceof ModelNotFoundError) {
      throw new HttpError(
        503,
        `models/current.json points to model ${error.version}, which does not exist: ` +
          'roll back to a version listed by GET /models, or train a new model',
      );
    }
    throw error;
  });
  if (loaded === undefined) {
    throw new HttpError(
      503,
      'no model is trained yet: run the training state machine, then try again',
    );
  }
  const { model, version } = loaded;
  logger.appendKeys({ modelVersion: version });

  const extractor = await extractorFor(model, version);
  const { bytes, imageKey } = await loadImage(request.image);
  const extractStarted = performance.now();
  let features: Float32Array;
  try {
    features = await extractor.extract(bytes);
  } catch (error) {
    if (isImageDecodeError(error)) {
      const status = error.reason === 'too-large' || error.reason === 'too-many-pixels' ? 413 : 400;
      throw new HttpError(status, `invalid image: ${error.message}`, { reason: error.reason });
    }
    throw error;
  }
  const predictStarted = performance.now();
  const prediction = predict(model, features, {
    topK: request.topK,
    minConfidence: request.minConfidence,
    id: imageKey ?? 'request body',
  });
  const finished = performance.now();

  const timings = {
    modelLoadMs: round(loaded.loadMs),
    extractMs: round(predictStarted - extractStarted),
    predictMs: round(finished - predictStarted),
    totalMs: round(finished - started),
  };
  logger.info('prediction', {
    imageKey,
    label: prediction.label,
    confidence: prediction.confidence,
    ...timings,
  });
  return {
    label: prediction.label,
    confidence: prediction.confidence,
    topLabel: prediction.topLabel,
    rejection: prediction.rejection,
    scores: prediction.scores,
    modelVersion: version,
    backbone: {
      id: extractor.backboneId,
      featureLayer: extractor.featureLayer,
      untrained: extractor.untrained,
    },
    timings,
  };
}

/**
 * Returns the extractor for the model's backbone and feature layer. A model of another
 * backbone, or of a layer this backbone lacks, cannot be served, so it raises a 503 error
 * that names the backbone to use.
 */
async function extractorFor(model: LinearModel, version: string): Promise<FeatureExtractor> {
  const manifest = await backboneManifest();
  if (model.backbone !== null && model.backbone.id !== manifest.id) {
    throw new HttpError(
      503,
      `model ${version} was trained on features of backbone ${model.backbone.id}, but this function runs ` +
        `${manifest.id}; roll back to a model of ${manifest.id} or train a new one`,
    );
  }
  try {
    return await featureExtractor(logger, model.backbone?.featureLayer);
  } catch (error) {
    if (error instanceof ModelFormatError) {
      throw new HttpError(503, `model ${version} cannot be served: ${error.message}`);
    }
    throw error;
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
