// Bundles a small entry point with esbuild, as the Lambda functions are bundled, and runs it
// in a child process against a layer folder. The WASM binaries must load from the folder
// without fetch, in both CommonJS and ES module output.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ESM_BUNDLE_BANNER } from '../../shared/backbone/bundling.js';
import { createFeatureExtractor } from '../../shared/backbone/feature-extractor.js';
import { jpegBaseline } from '../../shared/image/test-fixtures.js';
import { buildLayer } from './build.js';

const run = promisify(execFile);
const repoRoot = resolve(import.meta.dirname, '..', '..');

const ENTRY = `
import { readFileSync } from 'node:fs';
import { createFeatureExtractor } from ${JSON.stringify(join(repoRoot, 'shared', 'backbone', 'feature-extractor.ts'))};

// Any fetch, of a URL or of a file path, fails the run.
globalThis.fetch = () => {
  throw new Error('fetch was called');
};

async function main() {
  const [imagePath, threads] = process.argv.slice(2);
  const extractor = await createFeatureExtractor({ threads: Number(threads) });
  const features = await extractor.extract(readFileSync(imagePath));
  process.stdout.write(JSON.stringify({ threads: extractor.backend.threads, features: Array.from(features) }));
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
`;

interface ChildOutput {
  threads: number;
  features: number[];
}

describe('esbuild bundle', () => {
  let scratch: string;
  let layerDir: string;
  let imagePath: string;
  let expected: number[];

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'vgg-probe-bundle-'));
    layerDir = join(scratch, 'opt');
    await buildLayer({
      seeded: true,
      widthDivisor: 16,
      seed: 1,
      dtype: 'uint8',
      out: layerDir,
      backboneOnly: false,
      skipChecksum: false,
    });
    imagePath = join(scratch, 'image.jpg');
    await writeFile(imagePath, await jpegBaseline());
    await writeFile(join(scratch, 'entry.ts'), ENTRY);

    const extractor = await createFeatureExtractor({ backboneDir: join(layerDir, 'backbone') });
    expected = Array.from(await extractor.extract(await jpegBaseline()));
    extractor.dispose();
  });

  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  async function bundleAndRun(format: 'cjs' | 'esm', threads: number): Promise<ChildOutput> {
    const taskDir = join(scratch, `task-${format}`);
    await mkdir(taskDir, { recursive: true });
    const outfile = join(taskDir, format === 'cjs' ? 'index.cjs' : 'index.mjs');
    await build({
      entryPoints: [join(scratch, 'entry.ts')],
      bundle: true,
      platform: 'node',
      target: 'node20',
      format,
      outfile,
      external: ['sharp'],
      banner: format === 'esm' ? { js: ESM_BUNDLE_BANNER } : undefined,
      logLevel: 'silent',
    });
    if (format === 'esm') {
      // ES module imports ignore NODE_PATH, so the layer's packages are linked in.
      await symlink(join(layerDir, 'nodejs', 'node_modules'), join(taskDir, 'node_modules')).catch(() => undefined);
    }

    const { stdout } = await run(process.execPath, [outfile, imagePath, String(threads)], {
      cwd: taskDir,
      timeout: 120_000,
      env: {
        PATH: process.env.PATH,
        NODE_PATH: join(layerDir, 'nodejs', 'node_modules'),
        VGG_PROBE_BACKBONE_DIR: join(layerDir, 'backbone'),
        VGG_PROBE_WASM_DIR: join(layerDir, 'wasm'),
      },
    });
    return JSON.parse(stdout) as ChildOutput;
  }

  it('CommonJS bundle extracts offline', async () => {
    const output = await bundleAndRun('cjs', 1);

    expect(output.features.length).toBe(256);
    expect(output.features).toEqual(expected);
  });

  it('ES module bundle extracts offline', async () => {
    const output = await bundleAndRun('esm', 1);

    expect(output.features).toEqual(expected);
  });

  it('bundle runs the threaded binary', async () => {
    const output = await bundleAndRun('cjs', 2);

    expect(output.threads).toBe(2);
    expect(output.features).toEqual(expected);
  });
});
