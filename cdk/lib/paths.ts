import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, found from this file's location (`cdk/lib/`). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The entry file of a handler: `functions/<name>/handler.ts`. */
export function handlerEntry(name: string): string {
  return join(REPO_ROOT, 'functions', name, 'handler.ts');
}

/** The default folder with the built VGG16 layer contents. */
export const DEFAULT_LAYER_DIR = join(REPO_ROOT, 'layers', 'vgg16', 'build');
