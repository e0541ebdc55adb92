import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the CLI runs from source, two levels below it (`local/cli/`). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Returns the folder that contains the local stack's data, the demo's data and caches. */
export function baseDir(dataDir: string): string {
  return dirname(dataDir);
}

/** Returns the cache folders shared by the local stack and the demo. */
export function cacheDirs(dataDir: string): { template: string; backbones: string } {
  const base = join(baseDir(dataDir), 'cache');
  return { template: join(base, 'template'), backbones: join(base, 'backbones') };
}
