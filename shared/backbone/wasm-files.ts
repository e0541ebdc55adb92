import { existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The three binaries of tfjs-backend-wasm: plain, SIMD, and SIMD with threads. */
export const WASM_BINARIES = [
  'tfjs-backend-wasm.wasm',
  'tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm',
] as const;

/** The Emscripten loader of the threaded binary; pthread workers load it again. */
export const THREADED_LOADER = 'tfjs-backend-wasm-threaded-simd.js';

/** The pthread worker script, as a file (the package ships it as a string export). */
export const THREADED_WORKER = 'tfjs-backend-wasm-threaded-simd.worker.cjs';

const THREADED_WORKER_MODULE = 'tfjs-backend-wasm-threaded-simd.worker.js';

/**
 * Returns the worker script source from the package's `wasmWorkerContents` export. The
 * string contains escaped newlines (`\n` inside JavaScript strings) that the export turns into
 * real ones, so they are escaped again, as tfjs-backend-wasm does before making a Blob.
 */
export function threadedWorkerSource(packageWasmOutDir: string): string {
  const require = createRequire(join(packageWasmOutDir, 'package-anchor.js'));
  const { wasmWorkerContents } = require(join(packageWasmOutDir, THREADED_WORKER_MODULE)) as {
    wasmWorkerContents: string;
  };
  return wasmWorkerContents.replace(/\n/g, '\\n');
}

/**
 * Returns the path of the pthread worker script for a WASM folder. A layer ships it as a file.
 * For the installed package it is written to the temp folder.
 */
export async function threadedWorkerPath(wasmDir: string): Promise<string> {
  const shipped = join(wasmDir, THREADED_WORKER);
  if (existsSync(shipped)) {
    return shipped;
  }
  if (!existsSync(join(wasmDir, THREADED_WORKER_MODULE))) {
    throw new Error(
      `${wasmDir} has neither ${THREADED_WORKER} nor ${THREADED_WORKER_MODULE}; ` +
        'rebuild the layer with npm run build:weights, or run with threads: 1',
    );
  }

  // Written under a temporary name and renamed, so concurrent processes never read half a file.
  const dir = join(tmpdir(), 'vgg-probe-wasm');
  await mkdir(dir, { recursive: true });
  const path = join(dir, THREADED_WORKER);
  const partial = `${path}.${process.pid}`;
  await writeFile(partial, threadedWorkerSource(wasmDir));
  await rename(partial, path);
  return path;
}

/** Throws a message naming the folder and the fix when a binary is missing. */
export function checkWasmFiles(wasmDir: string, files: readonly string[]): void {
  const missing = files.filter((file) => !existsSync(join(wasmDir, file)));
  if (missing.length > 0) {
    throw new Error(
      `WASM folder ${wasmDir} lacks ${missing.join(', ')}; set VGG_PROBE_WASM_DIR or the ` +
        'wasmDir option to a folder with the tfjs-backend-wasm binaries (the layer has them in wasm/)',
    );
  }
}
