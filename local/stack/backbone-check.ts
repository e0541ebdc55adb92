import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ResolvedBackbone } from '../../shared/backbone/backbone-manifest.js';
import {
  ModelFormatError,
  modelConfigOf,
  readLayersModelJson,
  weightByteLength,
} from '../../shared/backbone/layers-model-json.js';

/**
 * Checks a backbone's files without loading the model. `model.json` must be a TF.js layers
 * model, its weight shards must exist and contain the bytes its manifest lists, and the
 * feature layer must be a top-level layer of the model. The local stack loads the model only
 * when the first image arrives, so without this check a broken backbone turns every upload
 * into an error record. Raises {@link ModelFormatError} naming the file and the problem.
 */
export async function checkBackboneFiles(
  backbone: ResolvedBackbone,
  featureLayer: string = backbone.manifest.featureLayer,
): Promise<void> {
  const model = await readLayersModelJson(backbone.modelJsonPath);

  const modelDir = dirname(backbone.modelJsonPath);
  const specs = model.weightsManifest.flatMap((group) => group.weights);
  const paths = model.weightsManifest.flatMap((group) => group.paths);
  const expectedBytes = specs.reduce((sum, spec) => sum + weightByteLength(spec), 0);
  let storedBytes = 0;
  for (const path of paths) {
    const info = await stat(join(modelDir, path)).catch(() => undefined);
    if (!info?.isFile()) {
      throw new ModelFormatError(
        `weight shard ${join(modelDir, path)}, listed in ${backbone.modelJsonPath}, is missing`,
      );
    }
    storedBytes += info.size;
  }
  if (storedBytes !== expectedBytes) {
    throw new ModelFormatError(
      `the weight shards of ${backbone.modelJsonPath} contain ${storedBytes} bytes, but its ` +
        `manifest lists ${expectedBytes}: a shard is truncated or from another build`,
    );
  }

  const layerNames = topLevelLayerNames(model.modelTopology);
  if (!layerNames.includes(featureLayer)) {
    throw new ModelFormatError(
      `feature layer ${JSON.stringify(featureLayer)} is not a layer of ` +
        `${backbone.modelJsonPath}, whose last layers are ${layerNames.slice(-6).join(', ')}`,
    );
  }
}

/** Returns the names of the layers listed in a Keras model topology. */
function topLevelLayerNames(topology: Record<string, unknown>): string[] {
  const config = modelConfigOf(topology)['config'] as
    | { layers?: { name?: unknown; config?: { name?: unknown } }[] }
    | undefined;
  return (config?.layers ?? [])
    .map((layer) => layer.config?.name ?? layer.name)
    .filter((name): name is string => typeof name === 'string');
}
