import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';

import { installedWasmDir } from '../../shared/backbone/runtime-paths.js';
import {
  THREADED_LOADER,
  THREADED_WORKER,
  threadedWorkerSource,
  WASM_BINARIES,
} from '../../shared/backbone/wasm-files.js';

/**
 * Copies the tfjs-backend-wasm binaries into `<layerDir>/wasm` (/opt/wasm in Lambda): the
 * three `.wasm` files, and for threads > 1 the threaded loader and its worker script.
 */
export async function copyWasmRuntime(layerDir: string): Promise<string> {
  const source = installedWasmDir();
  const target = join(layerDir, 'wasm');
  await mkdir(target, { recursive: true });

  for (const file of [...WASM_BINARIES, THREADED_LOADER]) {
    await cp(join(source, file), join(target, file));
  }
  await writeFile(join(target, THREADED_WORKER), threadedWorkerSource(source));
  return target;
}

/** sharp and the packages it loads at run time on Lambda's linux-x64 (glibc). */
export const SHARP_PACKAGES = ['sharp', '@img/sharp-linux-x64', '@img/sharp-libvips-linux-x64'] as const;

interface PackageJson {
  readonly name: string;
  readonly dependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
}

/**
 * Copies the installed sharp, its linux-x64 binaries and their runtime dependencies into
 * `<layerDir>/nodejs/node_modules`, where Lambda resolves packages of layers from. Other
 * platforms' optional binaries are skipped.
 *
 * @returns the names of the copied packages.
 */
export async function copySharpRuntime(layerDir: string, fromDir: string): Promise<string[]> {
  const target = join(layerDir, 'nodejs', 'node_modules');
  const queue: string[] = [...SHARP_PACKAGES];
  const copied = new Set<string>();

  while (queue.length > 0) {
    const name = queue.shift()!;
    if (copied.has(name)) {
      continue;
    }
    const source = findPackageDir(name, fromDir);
    await cp(source, join(target, name), { recursive: true, dereference: true });
    copied.add(name);

    const manifest = JSON.parse(await readFile(join(source, 'package.json'), 'utf8')) as PackageJson;
    queue.push(...Object.keys(manifest.dependencies ?? {}));
    const linuxBinaries = Object.keys(manifest.optionalDependencies ?? {}).filter((dependency) =>
      (SHARP_PACKAGES as readonly string[]).includes(dependency),
    );
    queue.push(...linuxBinaries);
  }
  return [...copied];
}

function findPackageDir(name: string, fromDir: string): string {
  const require = createRequire(join(fromDir, 'package.json'));
  for (const nodeModules of require.resolve.paths(name) ?? []) {
    const candidate = join(nodeModules, name);
    if (existsSync(join(candidate, 'package.json'))) {
      return candidate;
    }
  }
  throw new Error(
    `package ${name} is not installed under ${fromDir}; run npm install (on linux-x64, ` +
      'so that npm installs sharp\'s linux-x64 binaries) before building the layer',
  );
}

/** Total size of the files under a folder, in bytes, as the unzipped layer would take. */
export async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      total += await folderBytes(path);
    } else if (entry.isFile()) {
      total += (await stat(path)).size;
    }
  }
  return total;
}
