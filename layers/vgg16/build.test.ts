import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildLayer, LAMBDA_UNZIPPED_LIMIT_BYTES, main } from './build.js';
import type { BuildResult } from './build.js';

describe('buildLayer', () => {
  let out: string;
  let result: BuildResult;

  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'vgg-probe-layer-'));
    result = await buildLayer({
      seeded: true,
      widthDivisor: 16,
      seed: 2,
      dtype: 'uint8',
      out,
      backboneOnly: false,
      skipChecksum: false,
    });
  });

  afterAll(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it('writes the backbone manifest', async () => {
    const manifest = JSON.parse(await readFile(join(out, 'backbone', 'backbone.json'), 'utf8'));

    expect(manifest.id).toBe('vgg16-w16-seeded2');
    expect(manifest.untrained).toBe(true);
    expect(manifest.preprocessing).toBe('caffe');
    expect(manifest.featureLayer).toBe('fc2');
    expect(manifest.weights.dtype).toBe('uint8');
  });

  it('copies the WASM runtime', () => {
    expect(existsSync(join(out, 'wasm', 'tfjs-backend-wasm-simd.wasm'))).toBe(true);
    expect(existsSync(join(out, 'wasm', 'tfjs-backend-wasm-threaded-simd.worker.cjs'))).toBe(true);
  });

  it('copies sharp for linux-x64', () => {
    const modules = join(out, 'nodejs', 'node_modules');

    expect(existsSync(join(modules, 'sharp', 'package.json'))).toBe(true);
    expect(existsSync(join(modules, '@img', 'sharp-linux-x64', 'package.json'))).toBe(true);
    expect(existsSync(join(modules, '@img', 'sharp-libvips-linux-x64', 'package.json'))).toBe(true);
    expect(existsSync(join(modules, 'detect-libc', 'package.json'))).toBe(true);
    expect(existsSync(join(modules, '@img', 'sharp-darwin-arm64'))).toBe(false);
  });

  it('reports a size under the Lambda limit', () => {
    expect(result.layerBytes).toBeGreaterThan(result.backboneBytes);
    expect(result.layerBytes).toBeLessThan(LAMBDA_UNZIPPED_LIMIT_BYTES);
  });
});

describe('build:weights arguments', () => {
  it('requires one weight source', async () => {
    await expect(main(['--width-divisor', '16'])).rejects.toThrow(/exactly one of --seeded or --keras-h5/);
  });

  it('rejects an unknown dtype', async () => {
    await expect(main(['--seeded', '--dtype', 'int4'])).rejects.toThrow(/uint8 or float32/);
  });
});
