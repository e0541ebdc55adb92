import * as tf from '@tensorflow/tfjs';

import { ModelFormatError } from './layers-model-json.js';

export interface FeatureModel {
  readonly model: tf.LayersModel;
  readonly dim: number;
  /** True when a 4-D feature map is global-average-pooled into a vector. */
  readonly pooled: boolean;
}

/**
 * Builds a model from the backbone's input to the output of `layerName`. A 2-D output
 * ([batch, units]) is the feature vector itself. A 4-D output ([batch, h, w, channels]),
 * such as VGG16's `block5_pool`, is global-average-pooled over h and w.
 */
export function featureModelFor(backbone: tf.LayersModel, layerName: string): FeatureModel {
  let layer: tf.layers.Layer;
  try {
    layer = backbone.getLayer(layerName);
  } catch {
    const names = backbone.layers.map((l) => l.name);
    throw new ModelFormatError(
      `feature layer '${layerName}' not found; the model has ${names.length} layers, the last ones ` +
        `being ${names.slice(-8).join(', ')}`,
    );
  }

  const output = layer.output as tf.SymbolicTensor;
  const rank = output.shape.length;
  if (rank !== 2 && rank !== 4) {
    throw new ModelFormatError(
      `feature layer '${layerName}' has output shape [${output.shape}], expected [batch, units] ` +
        'or [batch, height, width, channels]; choose another layer',
    );
  }

  const features =
    rank === 4
      ? (tf.layers.globalAveragePooling2d({ name: `${layerName}_global_average` }).apply(output) as tf.SymbolicTensor)
      : output;
  const model = tf.model({ inputs: backbone.inputs, outputs: features, name: `${backbone.name}_${layerName}` });
  return { model, dim: features.shape[1] as number, pooled: rank === 4 };
}
