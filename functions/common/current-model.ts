import type { Logger } from '@aws-lambda-powertools/logger';
import { deserializeModel, type LinearModel } from '../../shared/linear/index.js';
import type { ModelRegistry } from '../../shared/store/index.js';

/** The model that predict serves, with its version. */
export interface LoadedModel {
  readonly version: string;
  readonly model: LinearModel;
  /** Milliseconds spent loading it in this invocation; 0 when it came from the cache. */
  readonly loadMs: number;
}

let cached: { version: string; model: LinearModel } | undefined;

/**
 * Returns the model that `models/current.json` points to, or undefined when none is
 * published. The pointer is read on every call (one small GET), and the model is loaded
 * again only when the pointer has moved, so that a rollback takes effect at once.
 */
export async function currentModel(
  registry: ModelRegistry,
  logger: Logger,
): Promise<LoadedModel | undefined> {
  const pointer = await registry.getCurrent();
  if (pointer === undefined) {
    return undefined;
  }
  if (cached?.version === pointer.version) {
    return { ...cached, loadMs: 0 };
  }

  const started = performance.now();
  const model = deserializeModel(await registry.loadModel(pointer.version));
  const loadMs = performance.now() - started;
  cached = { version: pointer.version, model };
  logger.info('model loaded', {
    modelVersion: pointer.version,
    labels: model.labels.length,
    dim: model.dim,
    loadMs: Math.round(loadMs),
  });
  return { version: pointer.version, model, loadMs };
}
