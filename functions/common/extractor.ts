import type { Logger } from '@aws-lambda-powertools/logger';
import { resolveBackbone } from '../../shared/backbone/backbone-manifest.js';
import {
  createFeatureExtractor,
  defaultBackboneDir,
  type BackboneManifest,
  type FeatureExtractor,
} from '../../shared/backbone/index.js';
import { isImageDecodeError } from '../../shared/image/index.js';
import type { PermanentFailure } from '../../shared/store/index.js';
import { pipelineConfig } from './runtime.js';

let manifest: Promise<BackboneManifest> | undefined;
let loaded: { layer: string | undefined; extractor: Promise<FeatureExtractor> } | undefined;

/** Reads the manifest of the configured backbone once, without loading the weights. */
export function backboneManifest(): Promise<BackboneManifest> {
  manifest ??= resolveBackbone(pipelineConfig().backboneDir ?? defaultBackboneDir()).then(
    (resolved) => resolved.manifest,
  );
  manifest.catch(() => {
    manifest = undefined;
  });
  return manifest;
}

/**
 * Returns the feature extractor for a feature layer (the configured one by default),
 * loading the backbone on first use and keeping it for warm invocations. Only one
 * extractor is kept: asking for another layer frees the previous weights first, because
 * two copies of VGG16 would not fit the function's memory.
 */
export async function featureExtractor(
  logger: Logger,
  featureLayer?: string,
): Promise<FeatureExtractor> {
  const config = pipelineConfig();
  const layer = featureLayer ?? config.featureLayer;
  if (loaded !== undefined && loaded.layer !== layer) {
    const previous = loaded.extractor;
    loaded = undefined;
    (await previous.catch(() => undefined))?.dispose();
  }
  if (loaded === undefined) {
    const extractor = loadExtractor(logger, config.backboneDir, layer);
    loaded = { layer, extractor };
    // A failed load is retried by the next invocation instead of being cached.
    extractor.catch(() => {
      if (loaded?.extractor === extractor) loaded = undefined;
    });
  }
  return loaded.extractor;
}

async function loadExtractor(
  logger: Logger,
  backboneDir: string | undefined,
  featureLayer: string | undefined,
) {
  const started = performance.now();
  const extractor = await createFeatureExtractor({ backboneDir, featureLayer });
  logger.info('backbone loaded', {
    backboneId: extractor.backboneId,
    featureLayer: extractor.featureLayer,
    dim: extractor.dim,
    loadMs: Math.round(performance.now() - started),
  });
  if (extractor.untrained) {
    logger.warn(
      'the backbone has seeded random weights (untrained): features carry little meaning',
      {
        backboneId: extractor.backboneId,
      },
    );
  }
  return extractor;
}

/** Turns an image decoding error into an error record; other errors stay transient. */
export function classifyExtractionError(error: unknown): PermanentFailure | undefined {
  if (isImageDecodeError(error)) {
    return { reason: error.reason, message: error.message };
  }
  return undefined;
}
