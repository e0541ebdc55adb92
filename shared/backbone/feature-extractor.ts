import * as tf from '@tensorflow/tfjs';

import { MODEL_INPUT_SIZE } from '../image/center-crop.js';
import { decodeImage, type DecodeImageOptions } from '../image/decode-image.js';
import { ImageDecodeError } from '../image/image-decode-error.js';
import { preprocessPixels } from '../image/preprocess.js';
import { type BackboneManifest, resolveBackbone, type ResolvedBackbone } from './backbone-manifest.js';
import { featureModelFor } from './feature-model.js';
import { ModelFormatError } from './layers-model-json.js';
import { loadLayersModelInPlace } from './load-layers-model.js';
import { defaultBackboneDir } from './runtime-paths.js';
import { initWasmBackend, type WasmBackendInfo } from './wasm-backend.js';

export interface FeatureExtractorOptions {
  /**
   * A folder with `backbone.json`, or a bare TF.js layers model folder.
   * @default defaultBackboneDir(): $VGG_PROBE_BACKBONE_DIR, /opt/backbone in Lambda, else layers/vgg16/build/backbone
   */
  readonly backboneDir?: string;
  /** A `backbone.json` or `model.json` file; takes precedence over backboneDir. */
  readonly manifestPath?: string;
  /** @default the manifest's featureLayer (fc2 for VGG16) */
  readonly featureLayer?: string;
  /** Threads for one inference, see WasmBackendOptions. @default 1 */
  readonly threads?: number | 'auto';
  /** Folder with the tfjs-backend-wasm binaries. @default defaultWasmDir() */
  readonly wasmDir?: string;
  readonly decode?: DecodeImageOptions;
}

export interface FeatureExtractor {
  readonly backboneId: string;
  readonly featureLayer: string;
  /** Length of every feature vector. */
  readonly dim: number;
  /** True for seeded random weights. Callers show this wherever the features are used. */
  readonly untrained: boolean;
  readonly manifest: BackboneManifest;
  /** Manifest fields that were inferred from a bare model folder, in words (usually empty). */
  readonly inferred: readonly string[];
  readonly backend: WasmBackendInfo;
  /**
   * Decodes one image and returns its feature vector.
   * @throws ImageDecodeError when the bytes are not a usable image.
   */
  extract(imageBytes: Uint8Array): Promise<Float32Array>;
  /**
   * Decodes several images and runs them as one batch. Each result is the feature vector or
   * the ImageDecodeError of that image, in input order.
   */
  extractBatch(images: readonly Uint8Array[]): Promise<Array<Float32Array | ImageDecodeError>>;
  /** Runs already decoded 224 x 224 RGB pixel buffers (as DecodedImage.pixels) as one batch. */
  extractPixels(pixelBatch: readonly Uint8Array[]): Float32Array[];
  /** Frees the model weights. The WASM backend stays loaded for the rest of the process. */
  dispose(): void;
}

/**
 * Loads a backbone on the TF.js WASM backend and returns an image-to-feature-vector function.
 * Nothing is fetched over the network: the weights come from the backbone folder and the
 * WASM binaries from `wasmDir`.
 */
export async function createFeatureExtractor(options: FeatureExtractorOptions = {}): Promise<FeatureExtractor> {
  const resolved = await resolveBackbone(options.manifestPath ?? options.backboneDir ?? defaultBackboneDir());
  const { manifest } = resolved;
  if (manifest.inputSize !== MODEL_INPUT_SIZE) {
    throw new ModelFormatError(
      `backbone ${manifest.id} expects ${manifest.inputSize} px inputs, but images are decoded to ` +
        `${MODEL_INPUT_SIZE} px; only ${MODEL_INPUT_SIZE} px backbones are supported`,
    );
  }

  const backend = await initWasmBackend({ wasmDir: options.wasmDir, threads: options.threads });
  const backbone = await loadLayersModelInPlace(resolved.modelJsonPath);
  const featureLayer = options.featureLayer ?? manifest.featureLayer;
  let featureModel;
  try {
    featureModel = featureModelFor(backbone, featureLayer);
  } catch (error) {
    backbone.dispose();
    throw error;
  }

  const decodeOptions: DecodeImageOptions = { resize: manifest.resize, ...options.decode };
  return new WasmFeatureExtractor(resolved, featureLayer, featureModel.model, backbone, featureModel.dim, backend, decodeOptions);
}

class WasmFeatureExtractor implements FeatureExtractor {
  readonly backboneId: string;
  readonly untrained: boolean;
  readonly manifest: BackboneManifest;
  readonly inferred: readonly string[];
  private disposed = false;

  constructor(
    resolved: ResolvedBackbone,
    readonly featureLayer: string,
    private readonly featureModel: tf.LayersModel,
    private readonly backbone: tf.LayersModel,
    readonly dim: number,
    readonly backend: WasmBackendInfo,
    private readonly decodeOptions: DecodeImageOptions | undefined,
  ) {
    this.manifest = resolved.manifest;
    this.backboneId = resolved.manifest.id;
    this.untrained = resolved.manifest.untrained;
    this.inferred = resolved.inferred;
  }

  async extract(imageBytes: Uint8Array): Promise<Float32Array> {
    const image = await decodeImage(imageBytes, this.decodeOptions);
    return this.extractPixels([image.pixels])[0];
  }

  async extractBatch(images: readonly Uint8Array[]): Promise<Array<Float32Array | ImageDecodeError>> {
    const decoded = await Promise.allSettled(images.map((bytes) => decodeImage(bytes, this.decodeOptions)));
    const results: Array<Float32Array | ImageDecodeError> = new Array(images.length);
    const pixelBatch: Uint8Array[] = [];
    const batchIndexes: number[] = [];

    decoded.forEach((outcome, i) => {
      if (outcome.status === 'fulfilled') {
        pixelBatch.push(outcome.value.pixels);
        batchIndexes.push(i);
      } else if (outcome.reason instanceof ImageDecodeError) {
        results[i] = outcome.reason;
      } else {
        throw outcome.reason;
      }
    });

    if (pixelBatch.length > 0) {
      this.extractPixels(pixelBatch).forEach((features, j) => {
        results[batchIndexes[j]] = features;
      });
    }
    return results;
  }

  extractPixels(pixelBatch: readonly Uint8Array[]): Float32Array[] {
    if (this.disposed) {
      throw new Error(`feature extractor for ${this.backboneId} was disposed`);
    }
    if (pixelBatch.length === 0) {
      return [];
    }

    const imageLength = MODEL_INPUT_SIZE * MODEL_INPUT_SIZE * 3;
    const input = new Float32Array(pixelBatch.length * imageLength);
    pixelBatch.forEach((pixels, i) => {
      if (pixels.length !== imageLength) {
        throw new RangeError(`image ${i} has ${pixels.length} bytes, expected ${imageLength} (224 x 224 RGB)`);
      }
      input.set(preprocessPixels(pixels, this.manifest.preprocessing), i * imageLength);
    });

    // The tidy returns the output tensor, never a typed array: tidy walks the keys of any
    // plain value it returns, which for a large typed array costs hundreds of milliseconds.
    const output = tf.tidy(() => {
      const batch = tf.tensor4d(input, [pixelBatch.length, MODEL_INPUT_SIZE, MODEL_INPUT_SIZE, 3]);
      return this.featureModel.predict(batch) as tf.Tensor;
    });
    const flat = output.dataSync() as Float32Array;
    output.dispose();

    return pixelBatch.map((_, i) => flat.slice(i * this.dim, (i + 1) * this.dim));
  }

  dispose(): void {
    if (this.disposed) {
      return;
    }
    this.disposed = true;
    // The feature model shares its layers with the backbone and adds only a weightless
    // pooling layer, so disposing the backbone frees every weight.
    this.backbone.dispose();
  }
}
