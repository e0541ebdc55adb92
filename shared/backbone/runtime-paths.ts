import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Environment variable that points at the backbone folder (the one with `backbone.json`). */
export const BACKBONE_DIR_ENV = 'VGG_PROBE_BACKBONE_DIR';

/** Environment variable that points at the folder with the tfjs-backend-wasm binaries. */
export const WASM_DIR_ENV = 'VGG_PROBE_WASM_DIR';

/** Locations of the backbone and the WASM binaries in Lambda, which unpacks layers into /opt. */
export const LAMBDA_BACKBONE_DIR = '/opt/backbone';
export const LAMBDA_WASM_DIR = '/opt/wasm';

/**
 * Returns true inside AWS Lambda. The Lambda runtime sets LAMBDA_TASK_ROOT and nothing in
 * this project does, so the variable separates a function from a local process.
 */
export function isLambdaRuntime(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.LAMBDA_TASK_ROOT);
}

/**
 * Returns the URL of this module. An esbuild bundle in CommonJS format has no
 * `import.meta.url`, so there the URL of the bundle file is used.
 */
function thisModuleUrl(): string {
  return typeof import.meta.url === 'string' ? import.meta.url : pathToFileURL(__filename).href;
}

/** Returns the repository root when running from source (two levels above shared/backbone/). */
export function sourceRepoRoot(): string {
  return resolve(dirname(fileURLToPath(thisModuleUrl())), '..', '..');
}

/**
 * Returns the backbone folder: $VGG_PROBE_BACKBONE_DIR, else /opt/backbone in Lambda, else
 * `layers/vgg16/build/backbone` of the repository, where `npm run build:weights` writes it.
 */
export function defaultBackboneDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env[BACKBONE_DIR_ENV]) {
    return resolve(env[BACKBONE_DIR_ENV]);
  }
  if (isLambdaRuntime(env)) {
    return LAMBDA_BACKBONE_DIR;
  }
  return join(sourceRepoRoot(), 'layers', 'vgg16', 'build', 'backbone');
}

/**
 * Returns the folder with the `.wasm` binaries: $VGG_PROBE_WASM_DIR, else /opt/wasm in Lambda,
 * else the `wasm-out` folder of the installed @tensorflow/tfjs-backend-wasm package.
 */
export function defaultWasmDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env[WASM_DIR_ENV]) {
    return resolve(env[WASM_DIR_ENV]);
  }
  if (isLambdaRuntime(env)) {
    return LAMBDA_WASM_DIR;
  }
  return installedWasmDir();
}

/** Returns the `wasm-out` folder of the installed package, which contains every binary and loader. */
export function installedWasmDir(): string {
  const require = createRequire(thisModuleUrl());
  const packageJson = require.resolve('@tensorflow/tfjs-backend-wasm/package.json');
  return join(dirname(packageJson), 'wasm-out');
}
