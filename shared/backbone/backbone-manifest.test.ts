import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { checkBackboneManifest, resolveBackbone } from './backbone-manifest.js';
import { defaultBackboneDir, defaultWasmDir } from './runtime-paths.js';
import { buildTestBackbone, type TestBackbone } from './test-backbone.js';
import { vgg16Topology } from './vgg16-topology.js';

describe('resolveBackbone', () => {
  let backbone: TestBackbone;
  let scratch: string;

  beforeAll(async () => {
    backbone = await buildTestBackbone({ widthDivisor: 64 });
    scratch = await mkdtemp(join(tmpdir(), 'vgg-probe-manifest-'));
  });

  afterAll(async () => {
    await backbone.cleanup();
    await rm(scratch, { recursive: true, force: true });
  });

  it('reads backbone.json from a folder', async () => {
    const resolved = await resolveBackbone(backbone.backboneDir);

    expect(resolved.manifest.preprocessing).toBe('caffe');
    expect(resolved.manifest.featureLayer).toBe('fc2');
    expect(resolved.modelJsonPath).toBe(backbone.modelJsonPath);
    expect(resolved.inferred).toEqual([]);
  });

  it('reads a manifest file path', async () => {
    const resolved = await resolveBackbone(backbone.manifestPath);

    expect(resolved.manifestPath).toBe(backbone.manifestPath);
  });

  it('infers a VGG16 manifest from model.json', async () => {
    const resolved = await resolveBackbone(backbone.modelJsonPath);

    expect(resolved.manifest.preprocessing).toBe('caffe');
    expect(resolved.manifest.featureLayer).toBe('fc2');
    expect(resolved.manifest.inputSize).toBe(224);
    expect(resolved.inferred.length).toBeGreaterThan(0);
  });

  it('asks for a manifest for an unknown model', async () => {
    const topology = vgg16Topology(64) as { config: { name: string } };
    topology.config.name = 'my_custom_net';
    const path = join(scratch, 'model.json');
    await writeFile(path, JSON.stringify({ modelTopology: topology, weightsManifest: [] }));

    await expect(resolveBackbone(scratch)).rejects.toThrow(/cannot infer the preprocessing.*backbone\.json/);
  });

  it('reports a missing path with the fix', async () => {
    await expect(resolveBackbone(join(scratch, 'absent'))).rejects.toThrow(/build:weights/);
  });
});

describe('checkBackboneManifest', () => {
  it('lists every invalid field', () => {
    const invalid = { id: 'Bad Id', inputSize: 0, preprocessing: 'torch', featureLayer: '', untrained: 'no' };

    expect(() => checkBackboneManifest(invalid, 'x.json')).toThrow(
      /id must.*inputSize.*preprocessing.*featureLayer.*untrained/,
    );
  });
});

describe('defaultBackboneDir', () => {
  it('prefers VGG_PROBE_BACKBONE_DIR', () => {
    expect(defaultBackboneDir({ VGG_PROBE_BACKBONE_DIR: '/data/bb', LAMBDA_TASK_ROOT: '/var/task' })).toBe('/data/bb');
  });

  it('uses /opt/backbone in Lambda', () => {
    expect(defaultBackboneDir({ LAMBDA_TASK_ROOT: '/var/task' })).toBe('/opt/backbone');
  });

  it('uses the build folder locally', () => {
    expect(defaultBackboneDir({})).toMatch(/layers\/vgg16\/build\/backbone$/);
  });

  it('finds the installed WASM binaries locally', () => {
    expect(defaultWasmDir({})).toMatch(/tfjs-backend-wasm\/wasm-out$/);
  });
});
