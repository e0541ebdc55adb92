export {
  BACKBONE_MANIFEST_FILE,
  checkBackboneManifest,
  inferBackboneManifest,
  readBackboneManifest,
  resolveBackbone,
  writeBackboneManifest,
} from './backbone-manifest.js';
export type { BackboneManifest, BackboneWeightsInfo, ResolvedBackbone } from './backbone-manifest.js';
export { createFeatureExtractor } from './feature-extractor.js';
export type { FeatureExtractor, FeatureExtractorOptions } from './feature-extractor.js';
export { fileSystemIOHandler } from './fs-io-handler.js';
export { ModelFormatError, readLayersModelJson } from './layers-model-json.js';
export { writeLayersModel } from './layers-model-writer.js';
export { loadLayersModelInPlace } from './load-layers-model.js';
export { dequantizeInto, quantizeUint8 } from './quantization.js';
export {
  BACKBONE_DIR_ENV,
  defaultBackboneDir,
  defaultWasmDir,
  isLambdaRuntime,
  LAMBDA_BACKBONE_DIR,
  LAMBDA_WASM_DIR,
  WASM_DIR_ENV,
} from './runtime-paths.js';
export { buildSeededVgg16Backbone, seededVgg16Id, writeVgg16Backbone } from './vgg16-backbone-writer.js';
export type { WrittenBackbone } from './vgg16-backbone-writer.js';
export { VGG16_FEATURE_LAYERS, vgg16Flops, vgg16Topology, vgg16WeightShapes } from './vgg16-topology.js';
export { initWasmBackend } from './wasm-backend.js';
export type { WasmBackendInfo, WasmBackendOptions } from './wasm-backend.js';
export { ESM_BUNDLE_BANNER } from './bundling.js';
export { buildTestBackbone } from './test-backbone.js';
export type { TestBackbone } from './test-backbone.js';
export { cosineSimilarity } from './cosine-similarity.js';
