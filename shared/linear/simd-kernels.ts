// Float32 SIMD kernels for the training hot path, backed by the WebAssembly module in
// wasm/dense-kernels.wat. Each instance owns a fixed-size memory that never grows, so the
// typed-array views taken at construction stay valid for the life of the instance.
import type { EffectiveWeights } from './effective-weights.js';
import type { FloatArray } from './types.js';
import { DENSE_KERNELS_WASM_BASE64 } from './wasm/dense-kernels-binary.js';

interface DenseKernelExports {
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
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

const PAGE_BYTES = 65536;
/** Largest kernel memory. Past it, `create` returns null and the scalar loops take over. */
const MAX_MEMORY_BYTES = 1 << 30;

let compiled: WasmModule | null | undefined;

/** Compiles the kernel module once per process, or returns null where SIMD is missing. */
function kernelModule(): WasmModule | null {
  if (compiled === undefined) {
    const bytes = Buffer.from(DENSE_KERNELS_WASM_BASE64, 'base64');
    compiled = wasm.validate(bytes) ? new wasm.Module(bytes) : null;
  }
  return compiled;
}

/**
 * Weights, a staged group of 4 feature rows, their scores and score gradients, and the
 * gradient sums, all float32 in one WebAssembly memory. The caller stages rows, scores
 * them, writes their score gradients and adds the rank-1 updates to the sums.
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
  private readonly stage: Float32Array;
  private readonly at: { weights: number; sums: number; scores: number; grads: number; stage: number };

  private constructor(module: WasmModule, weightRows: number, dim: number) {
    this.weightRows = weightRows;
    this.dim = dim;
    const matrixBytes = weightRows * dim * 4;
    const groupBytes = GROUP_ROWS * weightRows * 4;
    this.at = {
      weights: 0,
      sums: matrixBytes,
      scores: 2 * matrixBytes,
      grads: 2 * matrixBytes + groupBytes,
      stage: 2 * matrixBytes + 2 * groupBytes,
    };
    const pages = Math.ceil((this.at.stage + GROUP_ROWS * dim * 4) / PAGE_BYTES);
    const memory = new wasm.Memory({ initial: pages, maximum: pages });
    const instance = new wasm.Instance(module, { env: { memory } });
    this.kernels = instance.exports as unknown as DenseKernelExports;

    const buffer = memory.buffer;
    this.weights = new Float32Array(buffer, this.at.weights, weightRows * dim);
    this.sums = new Float32Array(buffer, this.at.sums, weightRows * dim);
    this.scores = new Float32Array(buffer, this.at.scores, GROUP_ROWS * weightRows);
    this.grads = new Float32Array(buffer, this.at.grads, GROUP_ROWS * weightRows);
    this.stage = new Float32Array(buffer, this.at.stage, GROUP_ROWS * dim);
  }

  /**
   * Creates kernels for `weightRows` x `dim` weights, or returns null when the runtime has
   * no WebAssembly SIMD or the buffers would pass 1 GiB.
   */
  static create(weightRows: number, dim: number): SimdKernels | null {
    const module = kernelModule();
    const bytes = (2 * weightRows + GROUP_ROWS) * dim * 4;
    if (module === null || weightRows < 1 || dim < 1 || bytes > MAX_MEMORY_BYTES) {
      return null;
    }
    return new SimdKernels(module, weightRows, dim);
  }

  /** Copies the effective weight rows, rounded to float32. */
  loadWeights(effective: EffectiveWeights): void {
    const source = effective.weights;
    const target = this.weights;
    for (let i = 0; i < target.length; i++) {
      target[i] = source[i];
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

  /** Adds the gradient sums to `target` (weightRows x dim, row-major). */
  addSumsTo(target: FloatArray): void {
    const sums = this.sums;
    for (let i = 0; i < sums.length; i++) {
      target[i] += sums[i];
    }
  }
}
