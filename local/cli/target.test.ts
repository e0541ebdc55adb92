import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { localDataDir } from './target.js';

describe('localDataDir', () => {
  let root: string;
  const savedEnv = process.env.VGG_PROBE_DATA_DIR;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'vgg-probe-target-'));
    delete process.env.VGG_PROBE_DATA_DIR;
  });

  afterEach(async () => {
    if (savedEnv === undefined) {
      delete process.env.VGG_PROBE_DATA_DIR;
    } else {
      process.env.VGG_PROBE_DATA_DIR = savedEnv;
    }
    await rm(root, { recursive: true, force: true });
  });

  it('finds the stack folder of a parent', async () => {
    await mkdir(join(root, '.vgg-probe', 'local'), { recursive: true });
    await mkdir(join(root, 'sub', 'deeper'), { recursive: true });

    expect(localDataDir({}, join(root, 'sub', 'deeper'))).toBe(join(root, '.vgg-probe', 'local'));
  });

  it('defaults to the working folder', () => {
    expect(localDataDir({}, root)).toBe(join(root, '.vgg-probe', 'local'));
  });

  it('prefers --data-dir', async () => {
    await mkdir(join(root, '.vgg-probe', 'local'), { recursive: true });

    expect(localDataDir({ dataDir: 'elsewhere' }, root)).toBe(join(root, 'elsewhere'));
  });

  it('prefers VGG_PROBE_DATA_DIR', () => {
    process.env.VGG_PROBE_DATA_DIR = '/tmp/some-stack';

    expect(localDataDir({}, root)).toBe('/tmp/some-stack');
  });
});
