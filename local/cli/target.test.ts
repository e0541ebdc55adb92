import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stateFilePath } from '../stack/state-file.js';
import { localDataDir, resolveTarget } from './target.js';

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

describe('resolveTarget', () => {
  it('takes the backbone from the state file', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'vgg-probe-target-'));
    const control = createServer((_request, response) => response.writeHead(200).end('{}'));
    await new Promise<void>((resolve) => control.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(control.address() as AddressInfo).port}`;
    const backbone = { id: 'tiny-seeded', featureLayer: 'fc2', untrained: true, dir: '/backbone' };
    try {
      await writeFile(
        stateFilePath(dataDir),
        JSON.stringify({ pid: process.pid, stepFunctionsEndpoint: endpoint, backbone }),
      );
      const target = await resolveTarget({ dataDir });

      expect(target.kind).toBe('local');
      expect(target.localBackbone).toEqual(backbone);
    } finally {
      await new Promise((resolve) => control.close(resolve));
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
