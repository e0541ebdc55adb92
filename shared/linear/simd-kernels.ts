// Float32 SIMD kernels for the training hot path, backed by the WebAssembly module in
// wasm/dense-kernels.wat. Each instance owns a fixed-size memory that never grows, so the
// typed-array views taken at construction stay valid for the life of the instance.
import type { Standardization } from './standardization.js';
import type { FloatArray } from './types.js';
import { DENSE_KERNELS_WASM_BASE64 } from './wasm/dense-kernels-binary.js';

interface DenseKernelExports {
  standardizeRows(x: number, count: number, mean: number, inverseScale: number, dim: number): void;
  dotRows4(x0: number, x1: number, x2: number, x3: number, w: number, dim: number, m: number, out: number): void;
  axpyRows4(x0: number, x1: number, x2: number, x3: number, g: number, m: number, acc: number, dim: number): void;
}

/** Rows per group: the kernels score and update 4 feature rows per call. */
export const GROUP_ROWS = 4;

// The project compiles without the DOM library, which is where TypeScript declares the
// WebAssembly API, so the calls used here get minimal types.
interface WasmModule {
  readonly brand: 'WebAssembly.Module';
}
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => WasmModule;
  Memory: new (descriptor: { initial: number; maximum: number }) => WasmMemory;
  Instance: new (module: WasmModule, imports: { env: { memory: WasmMemory } }) => { exports: unknown };
}
// Undefined under `node --jitless` or `--no-expose-wasm`.
const wasm = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

const PAGE_BYTES = 65536;
/** Largest kernel memory. Past it, `create` returns null and the scalar loops take over. */
const MAX_MEMORY_BYTES = 1 << 30;

let compiled: WasmModule | null | undefined;

/** Compiles the kernel module once per process, or returns null where SIMD is missing. */
function kernelModule(): WasmModule | null {
  if (compiled === undefined) {
    const bytes = Buffer.from(DENSE_KERNELS_WASM_BASE64, 'base64');
    compiled = wasm !== undefined && wasm.validate(bytes) ? new wasm.Module(bytes) : null;
  }
  return compiled;
}

/**
 * Standardized weights, the standardization, a staged group of 4 feature rows, their
 * scores and score gradients, and the gradient sums, all float32 in one WebAssembly
 * memory. The caller stages raw rows, standardizes and scores them, writes their score
 * gradients and adds the rank-1 updates to the sums.
 */
export class SimdKernels {
  readonly weightRows: number;
  readonly dim: number;
  /** Score of staged row r against weight row k at index r * weightRows + k. */
  readonly scores: Float32Array;
  /** Score gradient of staged row r for weight row k at index r * weightRows + k. */
  readonly grads: Float32Array;
  private readonly kernels: DenseKernelExports;
  private readonly weights: Float32Array;
  private readonly sums: Float32Array;
  private readonly mean: Float32Array;
  private readonly inverseScale: Float32Array;
  private readonly stage: Float32Array;
  private readonly at: Readonly<Record<'weights' | 'sums' | 'scores' | 'grads' | 'mean' | 'inverseScale' | 'stage', number>>;
  private loadedStandardization: Standardization | null = null;

  private constructor(kernels: DenseKernelExports, buffer: ArrayBuffer, weightRows: number, dim: number) {
    this.weightRows = weightRows;
    this.dim = dim;
    this.kernels = kernels;
    this.at = layout(weightRows, dim);
    this.weights = new Float32Array(buffer, this.at.weights, weightRows * dim);
    this.sums = new Float32Array(buffer, this.at.sums, weightRows * dim);
    this.scores = new Float32Array(buffer, this.at.scores, GROUP_ROWS * weightRows);
    this.grads = new Float32Array(buffer, this.at.grads, GROUP_ROWS * weightRows);
    this.mean = new Float32Array(buffer, this.at.mean, dim);
    this.inverseScale = new Float32Array(buffer, this.at.inverseScale, dim);
    this.stage = new Float32Array(buffer, this.at.stage, GROUP_ROWS * dim);
  }

  /**
   * Creates kernels for `weightRows` x `dim` weights. Returns null when the runtime has no
   * WebAssembly SIMD, the memory would pass 1 GiB, or the runtime cannot allocate it.
   */
  static create(weightRows: number, dim: number): SimdKernels | null {
    const module = kernelModule();
    if (module === null || wasm === undefined || weightRows < 1 || dim < 1) {
      return null;
    }
    const bytes = layout(weightRows, dim).end;
    if (bytes > MAX_MEMORY_BYTES) {
      return null;
    }

    const pages = Math.ceil(bytes / PAGE_BYTES);
    let memory: WasmMemory;
    try {
      memory = new wasm.Memory({ initial: pages, maximum: pages });
    } catch (error) {
      if (error instanceof RangeError) {
        return null;
      }
      throw error;
    }
    const instance = new wasm.Instance(module, { env: { memory } });
    return new SimdKernels(instance.exports as DenseKernelExports, memory.buffer, weightRows, dim);
  }

  /** Copies the standardization, rounded to float32, unless this object is already loaded. */
  loadStandardization(standardization: Standardization): void {
    if (standardization === this.loadedStandardization) {
      return;
    }
    for (let j = 0; j < this.dim; j++) {
      this.mean[j] = standardization.mean[j];
      this.inverseScale[j] = 1 / standardization.scale[j];
    }
    this.loadedStandardization = standardization;
  }

  /** Copies weight rows for standardized features (weightRows x dim), rounded to float32. */
  loadWeights(weights: Float64Array): void {
    const target = this.weights;
    for (let i = 0; i < target.length; i++) {
      target[i] = weights[i];
    }
  }

  /** Copies the row of `features` that starts at `offset` into staging slot `slot`. */
  stageRow(slot: number, features: Float32Array, offset: number): void {
    this.stage.set(features.subarray(offset, offset + this.dim), slot * this.dim);
  }

  /** Fills staging slot `slot` with zeros, for a group of fewer than 4 rows. */
  clearRow(slot: number): void {
    this.stage.fill(0, slot * this.dim, (slot + 1) * this.dim);
  }

  /** Standardizes the rows in the first `count` staging slots with the loaded standardization. */
  standardizeStaged(count: number): void {
    this.kernels.standardizeRows(this.at.stage, count, this.at.mean, this.at.inverseScale, this.dim);
  }

  /** Scores the 4 staged rows against every weight row into {@link scores}. */
  scoreStaged(): void {
    const { stage, scores, weights } = this.at;
    const rowBytes = this.dim * 4;
    this.kernels.dotRows4(stage, stage + rowBytes, stage + 2 * rowBytes, stage + 3 * rowBytes, weights, this.dim, this.weightRows, scores);
  }

  /** Adds the rank-1 updates of the 4 staged rows, weighted by {@link grads}, to the sums. */
  accumulateStaged(): void {
    const { stage, grads, sums } = this.at;
    const rowBytes = this.dim * 4;
    this.kernels.axpyRows4(stage, stage + rowBytes, stage + 2 * rowBytes, stage + 3 * rowBytes, grads, this.weightRows, sums, this.dim);
  }

  /** Sets the gradient sums to zero. */
  clearSums(): void {
    this.sums.fill(0);
  }

  /**
   * Adds the gradient sums, converted back to raw features, to `target` (weightRows x dim):
   * sum_i g_i[k] x_i[j] = scale[j] * sum_i g_i[k] z_i[j] + mean[j] * scoreSums[k], where
   * `scoreSums[k]` is sum_i g_i[k] over the same rows, in float64.
   */
  addRawSumsTo(target: Float64Array, standardization: Standardization, scoreSums: Float64Array): void {
    const { mean, scale } = standardization;
    const dim = this.dim;
    for (let k = 0; k < this.weightRows; k++) {
      const row = k * dim;
      for (let j = 0; j < dim; j++) {
        target[row + j] += scale[j] * this.sums[row + j] + mean[j] * scoreSums[k];
      }
    }
  }
}

/** Byte offsets of the buffers in the kernel memory, and the end of the last one. */
function layout(weightRows: number, dim: number) {
  const matrixBytes = weightRows * dim * 4;
  const groupBytes = GROUP_ROWS * weightRows * 4;
  const vectorBytes = dim * 4;
  const weights = 0;
  const sums = weights + matrixBytes;
  const scores = sums + matrixBytes;
  const grads = scores + groupBytes;
  const mean = grads + groupBytes;
  const inverseScale = mean + vectorBytes;
  const stage = inverseScale + vectorBytes;
  return { weights, sums, scores, grads, mean, inverseScale, stage, end: stage + GROUP_ROWS * vectorBytes };
}
