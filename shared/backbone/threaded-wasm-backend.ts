import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';

import * as tf from '@tensorflow/tfjs';
import { BackendWasm, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';

import { checkWasmFiles, THREADED_LOADER, threadedWorkerPath } from './wasm-files.js';

type WasmModule = ConstructorParameters<typeof BackendWasm>[0];

// The project compiles without the DOM library, which is where TypeScript declares the
// WebAssembly namespace, so the two calls used here get minimal types.
type WasmImports = Record<string, Record<string, unknown>>;
interface WasmInstantiation {
  readonly instance: object;
  readonly module: object;
}
const webAssembly = (
  globalThis as unknown as {
    WebAssembly: { instantiate(bytes: Uint8Array, imports: WasmImports): Promise<WasmInstantiation> };
  }
).WebAssembly;

interface EmscriptenModuleConfig {
  mainScriptUrlOrBlob: string;
  locateFile: (path: string, prefix: string) => string;
  instantiateWasm: (
    imports: WasmImports,
    receiveInstance: (instance: object, module: object) => void,
  ) => object;
}

interface ThreadedModule {
  cwrap: (name: string, returnType: string | null, argTypes: string[]) => (...args: number[]) => number;
  PThread: { runningWorkers: Worker[]; unusedWorkers: Worker[] };
}

const THREADED_BINARY = 'tfjs-backend-wasm-threaded-simd.wasm';

/**
 * Registers the threaded SIMD build of tfjs-backend-wasm 4.22.0 as the 'wasm' backend.
 *
 * TF.js never picks this build on Node (its WASM_HAS_MULTITHREAD_SUPPORT flag is false
 * whenever IS_NODE is true), so this module does what its browser path does, with Node
 * paths: it loads the Emscripten loader from `wasmDir`, gives the pthread workers a worker
 * script file instead of a Blob URL (worker_threads cannot load Blob URLs), and instantiates
 * the binary from bytes read here.
 *
 * The backend's pthreadpool gets at most half of the logical core count that the
 * `emscripten_num_logical_cores` import reports (measured: 1 thread on a 2-vCPU machine
 * whatever setThreadsCount asked for). The import therefore reports 2 x `threads`.
 *
 * NOTE: this relies on internals of tfjs-backend-wasm 4.22.0 (the wasm-out loader, the
 * `tfjs` cwrap table that BackendWasm expects, the import name). It checks the version and
 * refuses others; verify the feature-equality test before raising the pin.
 */
export async function registerThreadedWasmBackend(wasmDir: string, threads: number): Promise<void> {
  if (tf.version_core !== '4.22.0') {
    throw new Error(
      `threads > 1 is verified only with @tensorflow/tfjs 4.22.0, found ${tf.version_core}; run with threads: 1`,
    );
  }
  checkWasmFiles(wasmDir, [THREADED_LOADER, THREADED_BINARY]);

  const loaderPath = join(wasmDir, THREADED_LOADER);
  const workerPath = await threadedWorkerPath(wasmDir);
  const binary = await readFile(join(wasmDir, THREADED_BINARY));
  const createModule = createRequire(loaderPath)(loaderPath) as (
    config: EmscriptenModuleConfig,
  ) => Promise<ThreadedModule>;

  let rejectInstantiation: (error: unknown) => void = () => undefined;
  const instantiationFailed = new Promise<never>((_, reject) => {
    rejectInstantiation = reject;
  });

  const module = await Promise.race([
    createModule({
      mainScriptUrlOrBlob: loaderPath,
      locateFile: (path, prefix) => (path.endsWith('.worker.js') ? workerPath : prefix + path),
      instantiateWasm(imports, receiveInstance) {
        imports.env.emscripten_num_logical_cores = () => 2 * threads;
        webAssembly.instantiate(binary, imports).then(
          ({ instance, module: compiled }) => receiveInstance(instance, compiled),
          rejectInstantiation,
        );
        return {};
      },
    }),
    instantiationFailed,
  ]);

  const wasmModule = module as unknown as WasmModule & ThreadedModule;
  wasmModule.tfjs = {
    init: module.cwrap('init', null, []),
    initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: module.cwrap('get_threads_count', 'number', []),
    registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: module.cwrap('dispose_data', null, ['number']),
    dispose: module.cwrap('dispose', null, []),
  } as WasmModule['tfjs'];

  setThreadsCount(threads);
  tf.removeBackend('wasm');
  tf.registerBackend('wasm', () => new BackendWasm(wasmModule), 2);
  afterBackendStart.set(wasmModule, () => unrefWorkers(module));
}

/** Hooks that run once tf.setBackend('wasm') has created the backend and its threads. */
export const afterBackendStart = new Map<object, () => void>();

/**
 * Emscripten starts a fixed pool of 8 workers, and the backend keeps `threads - 1` of them.
 * The idle ones are terminated to return their memory. The pool threads wait in Atomics
 * between operations and would keep the process alive, so they are unref'd: Node then
 * exits when the main thread is done, which ends them.
 */
function unrefWorkers(module: ThreadedModule): void {
  for (const worker of module.PThread.unusedWorkers.splice(0)) {
    void worker.terminate();
  }
  for (const worker of module.PThread.runningWorkers) {
    worker.unref();
  }
}
