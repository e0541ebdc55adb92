import type { WeightShape } from './layers-model-writer.js';

/** Output channels of the 13 convolutions, grouped by block, as in Keras applications VGG16. */
export const VGG16_BLOCK_FILTERS: readonly (readonly number[])[] = [
  [64, 64],
  [128, 128],
  [256, 256, 256],
  [512, 512, 512],
  [512, 512, 512],
];
export const VGG16_FC_UNITS = 4096;
export const VGG16_CLASSES = 1000;
export const VGG16_INPUT_SIZE = 224;

/** The feature layers that the extractor offers for VGG16, with their dimensions at full width. */
export const VGG16_FEATURE_LAYERS = {
  fc2: 'the 4,096 activations under the classifier (default)',
  predictions: 'the 1,000 ImageNet class probabilities',
  block5_pool: 'the last 7x7x512 feature map, global-average-pooled to 512',
} as const;

/**
 * Checks a width divisor. The divisor scales every channel and unit count down (not the 1,000
 * classes), for a small network with the same layer names and topology. 1 is the real VGG16.
 */
export function checkWidthDivisor(widthDivisor: number): void {
  if (!Number.isInteger(widthDivisor) || widthDivisor < 1 || 64 % widthDivisor !== 0) {
    throw new RangeError(`width divisor must be a divisor of 64 (1, 2, 4, … 64), got ${widthDivisor}`);
  }
}

interface ConvSpec {
  readonly name: string;
  readonly inChannels: number;
  readonly filters: number;
  /** Spatial size of the convolution's output (same padding keeps the input size). */
  readonly size: number;
}

function convolutions(widthDivisor: number): ConvSpec[] {
  const specs: ConvSpec[] = [];
  let inChannels = 3;
  let size = VGG16_INPUT_SIZE;
  VGG16_BLOCK_FILTERS.forEach((block, b) => {
    block.forEach((filters, c) => {
      const scaled = filters / widthDivisor;
      specs.push({ name: `block${b + 1}_conv${c + 1}`, inChannels, filters: scaled, size });
      inChannels = scaled;
    });
    size /= 2;
  });
  return specs;
}

/** Lists every weight of VGG16 in Keras order: kernel then bias per layer, block1_conv1 to predictions. */
export function vgg16WeightShapes(widthDivisor = 1): WeightShape[] {
  checkWidthDivisor(widthDivisor);
  const shapes: WeightShape[] = [];
  const convs = convolutions(widthDivisor);
  for (const conv of convs) {
    shapes.push({ name: `${conv.name}/kernel`, shape: [3, 3, conv.inChannels, conv.filters] });
    shapes.push({ name: `${conv.name}/bias`, shape: [conv.filters] });
  }

  const units = VGG16_FC_UNITS / widthDivisor;
  const flattened = 7 * 7 * convs[convs.length - 1].filters;
  const dense: Array<[string, number, number]> = [
    ['fc1', flattened, units],
    ['fc2', units, units],
    ['predictions', units, VGG16_CLASSES],
  ];
  for (const [name, inputs, outputs] of dense) {
    shapes.push({ name: `${name}/kernel`, shape: [inputs, outputs] });
    shapes.push({ name: `${name}/bias`, shape: [outputs] });
  }
  return shapes;
}

/** Floating-point operations of one forward pass (2 per multiply-add, convolutions and dense). */
export function vgg16Flops(widthDivisor = 1): number {
  let multiplyAdds = 0;
  for (const conv of convolutions(widthDivisor)) {
    multiplyAdds += conv.size * conv.size * 9 * conv.inChannels * conv.filters;
  }
  for (const { name, shape } of vgg16WeightShapes(widthDivisor)) {
    if (!name.includes('conv') && name.endsWith('/kernel')) {
      multiplyAdds += shape[0] * shape[1];
    }
  }
  return 2 * multiplyAdds;
}

const GLOROT_UNIFORM = {
  class_name: 'VarianceScaling',
  config: { scale: 1, mode: 'fan_avg', distribution: 'uniform', seed: null },
};
const ZEROS = { class_name: 'Zeros', config: {} };

function kerasLayer(className: string, name: string, inbound: string | null, config: object): object {
  return {
    class_name: className,
    name,
    config: { name, trainable: true, ...config },
    inbound_nodes: inbound === null ? [] : [[[inbound, 0, 0, {}]]],
  };
}

function weightedLayerConfig(activation: string): object {
  return {
    activation,
    use_bias: true,
    kernel_initializer: GLOROT_UNIFORM,
    bias_initializer: ZEROS,
    kernel_regularizer: null,
    bias_regularizer: null,
    activity_regularizer: null,
    kernel_constraint: null,
    bias_constraint: null,
  };
}

/**
 * Returns the Keras functional-model topology of VGG16 (with top), in the JSON form that
 * `tf.models.modelFromJSON` reads: input `input_1`, 13 ReLU convolutions with same padding,
 * 5 max pools, `flatten`, `fc1`, `fc2` and the softmax `predictions`.
 */
export function vgg16Topology(widthDivisor = 1): Record<string, unknown> {
  checkWidthDivisor(widthDivisor);
  const layers: object[] = [
    kerasLayer('InputLayer', 'input_1', null, {
      batch_input_shape: [null, VGG16_INPUT_SIZE, VGG16_INPUT_SIZE, 3],
      dtype: 'float32',
      sparse: false,
    }),
  ];

  let previous = 'input_1';
  VGG16_BLOCK_FILTERS.forEach((block, b) => {
    block.forEach((filters, c) => {
      const name = `block${b + 1}_conv${c + 1}`;
      layers.push(
        kerasLayer('Conv2D', name, previous, {
          filters: filters / widthDivisor,
          kernel_size: [3, 3],
          strides: [1, 1],
          padding: 'same',
          data_format: 'channels_last',
          dilation_rate: [1, 1],
          ...weightedLayerConfig('relu'),
        }),
      );
      previous = name;
    });
    const pool = `block${b + 1}_pool`;
    layers.push(
      kerasLayer('MaxPooling2D', pool, previous, {
        pool_size: [2, 2],
        strides: [2, 2],
        padding: 'valid',
        data_format: 'channels_last',
      }),
    );
    previous = pool;
  });

  layers.push(kerasLayer('Flatten', 'flatten', previous, {}));
  const units = VGG16_FC_UNITS / widthDivisor;
  layers.push(kerasLayer('Dense', 'fc1', 'flatten', { units, ...weightedLayerConfig('relu') }));
  layers.push(kerasLayer('Dense', 'fc2', 'fc1', { units, ...weightedLayerConfig('relu') }));
  layers.push(
    kerasLayer('Dense', 'predictions', 'fc2', { units: VGG16_CLASSES, ...weightedLayerConfig('softmax') }),
  );

  return {
    class_name: 'Model',
    config: {
      name: 'vgg16',
      layers,
      input_layers: [['input_1', 0, 0]],
      output_layers: [['predictions', 0, 0]],
    },
    keras_version: 'tfjs-layers 4.22.0',
    backend: 'tensor_flow.js',
  };
}
