import { availableParallelism } from 'node:os';

import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

import { defaultWasmDir } from './runtime-paths.js';
import { afterBackendStart, registerThreadedWasmBackend } from './threaded-wasm-backend.js';
import { checkWasmFiles, WASM_BINARIES } from './wasm-files.js';

export interface WasmBackendOptions {
  /**
   * Folder with the tfjs-backend-wasm binaries.
   * @default defaultWasmDir()
   */
  readonly wasmDir?: string;
  /**
   * Threads for one inference. 1 uses the stock single-threaded SIMD binary. More uses the
   * threaded SIMD binary on worker_threads. 'auto' means one per available CPU.
   * @default 1
   */
  readonly threads?: number | 'auto';
}

export interface WasmBackendInfo {
  readonly wasmDir: string;
  /** Threads the backend actually runs with (from the backend, not the request). */
  readonly threads: number;
  readonly simd: boolean;
}

export const MAX_THREADS = 16;

let started: { readonly threads: number; readonly ready: Promise<WasmBackendInfo> } | undefined;

/**
 * Starts TF.js on the WASM backend, loading the binaries from a folder with no network
 * access. The backend is global to the process: the first call decides the thread count,
 * and a later call that requests another count fails.
 */
export function initWasmBackend(options: WasmBackendOptions = {}): Promise<WasmBackendInfo> {
  const threads = resolveThreads(options.threads);
  if (started !== undefined) {
    if (started.threads !== threads) {
      return Promise.reject(
        new Error(
          `the WASM backend already runs with ${started.threads} thread(s) in this process and ` +
            `cannot switch to ${threads}; use one thread count per process`,
        ),
      );
    }
    return started.ready;
  }

  const ready = startBackend(options.wasmDir ?? defaultWasmDir(), threads);
  started = { threads, ready };
  ready.catch(() => {
    started = undefined;
  });
  return ready;
}

function resolveThreads(threads: number | 'auto' | undefined): number {
  if (threads === undefined) {
    return 1;
  }
  if (threads === 'auto') {
    return Math.min(availableParallelism(), MAX_THREADS);
  }
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) {
    throw new RangeError(`threads must be an integer from 1 to ${MAX_THREADS} or 'auto', got ${threads}`);
  }
  return threads;
}

async function startBackend(wasmDir: string, threads: number): Promise<WasmBackendInfo> {
  if (threads === 1) {
    checkWasmFiles(wasmDir, WASM_BINARIES);
    // A plain folder path: Emscripten reads the binary with fs.readFileSync on Node and
    // never calls fetch, also inside an esbuild bundle.
    setWasmPaths(wasmDir.endsWith('/') ? wasmDir : `${wasmDir}/`);
  } else {
    await registerThreadedWasmBackend(wasmDir, threads);
  }

  const ok = await tf.setBackend('wasm');
  if (!ok || tf.getBackend() !== 'wasm') {
    throw new Error(`the TF.js WASM backend failed to start from ${wasmDir}`);
  }
  for (const hook of afterBackendStart.values()) {
    hook();
  }
  afterBackendStart.clear();

  return {
    wasmDir,
    threads: getThreadsCount(),
    simd: await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT') as boolean,
  };
}
