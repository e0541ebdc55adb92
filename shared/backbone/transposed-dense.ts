import * as tf from '@tensorflow/tfjs';

/** Class name under which the loader substitutes Dense layers. */
export const TRANSPOSED_DENSE_CLASS_NAME = 'VggProbeTransposedKernelDense';

// The members of tfjs-layers' Dense layer (4.22) that the subclass uses.
interface DenseMembers {
  units: number;
  useBias: boolean;
  kernel: tf.LayerVariable | null;
  bias: tf.LayerVariable | null;
  activation: { getClassName(): string; apply(x: tf.Tensor): tf.Tensor };
  kernelInitializer: unknown;
  biasInitializer: unknown;
  kernelRegularizer: unknown;
  biasRegularizer: unknown;
  kernelConstraint: unknown;
  biasConstraint: unknown;
  inputSpec: Array<{ minNDim?: number; axes?: Record<number, number> }>;
}

// Layer.addWeight is protected in the type declarations, so it is reached through this type.
type AddWeight = (
  name: string,
  shape: number[],
  dtype: tf.DataType | null,
  initializer: unknown,
  regularizer: unknown,
  trainable: boolean,
  constraint: unknown,
) => tf.LayerVariable;

type DenseLayer = tf.layers.Layer & DenseMembers;
type DenseConstructor = new (args: object) => DenseLayer;

// tfjs-layers exports a factory but not the Dense class, so it is taken from an instance.
const Dense = Object.getPrototypeOf(tf.layers.dense({ units: 1 })).constructor as DenseConstructor;

/**
 * A Dense layer that stores its kernel as [units, inputs] and multiplies with transposeB.
 *
 * On the WASM backend the first matMul with a weight packs it into XNNPACK's layout. For
 * the usual [inputs, units] kernel that packing transposes, which took 3.4 s for VGG16's
 * 25,088 x 4,096 fc1 kernel (Node 20, 2 shared vCPUs) against 0.26 s for the [units,
 * inputs] layout, and it allocated about 400 MB more. The loader fills the kernel
 * transposed from the standard Keras file, so the files stay ordinary layers models.
 */
export class TransposedKernelDense extends Dense {
  static readonly className = TRANSPOSED_DENSE_CLASS_NAME;

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const inputs = shape[shape.length - 1] as number;
    const addWeight = (this as unknown as { addWeight: AddWeight }).addWeight.bind(this);
    if (this.kernel === null) {
      this.kernel = addWeight(
        'kernel',
        [this.units, inputs],
        null,
        this.kernelInitializer,
        this.kernelRegularizer,
        true,
        this.kernelConstraint,
      );
      if (this.useBias) {
        this.bias = addWeight('bias', [this.units], null, this.biasInitializer, this.biasRegularizer, true, this.biasConstraint);
      }
    }
    this.inputSpec = [{ minNDim: 2, axes: { [-1]: inputs } }];
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const input = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor2D;
      // NOTE: tf.fused.matMul with transposeB and a bias returns wrong values on the WASM
      // backend of tfjs 4.22. A 2x50 by 50x7 check was off by up to 1.29, and matMul followed
      // by add was within 1.2e-7. So the bias and the activation run as separate ops.
      let output = tf.matMul(input, this.kernel!.read() as tf.Tensor2D, false, true);
      if (this.bias !== null) {
        output = tf.add(output, this.bias.read());
      }
      return this.activation.apply(output);
    });
  }
}
tf.serialization.registerClass(TransposedKernelDense as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>);

export function isTransposedKernel(layer: tf.layers.Layer, weight: tf.LayerVariable): boolean {
  return layer instanceof TransposedKernelDense && (layer as unknown as DenseLayer).kernel === weight;
}
