import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { LAYER_MISSING_MESSAGE } from '../cdk/lib/backbone-layer.js';
import { synthStack } from './synth-stack.js';

const scratch = mkdtempSync(join(tmpdir(), 'vgg-probe-layer-test-'));

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('backbone layer', () => {
  it('warns when the layer is not built', () => {
    const { stack } = synthStack({ layerDir: join(scratch, 'missing') }, { bundle: false });
    Annotations.fromStack(stack).hasWarning(
      '/VggProbe/Backbone',
      Match.stringLikeRegexp('npm run build:weights'),
    );
    expect(stack.backboneLayer.built).toBe(false);
  });

  it('ships a sharp stub that explains the fix', async () => {
    synthStack({ layerDir: join(scratch, 'missing') }, { bundle: false });
    const stub = join(
      tmpdir(),
      'vgg-probe-layer-placeholder',
      'nodejs',
      'node_modules',
      'sharp',
      'index.js',
    );
    expect(readFileSync(stub, 'utf8')).toContain('npm run build:weights');
    await expect(import(stub)).rejects.toThrow(LAYER_MISSING_MESSAGE);
  });

  it('uses a built layer without warning', () => {
    const built = join(scratch, 'built');
    mkdirSync(join(built, 'backbone'), { recursive: true });
    writeFileSync(join(built, 'backbone', 'model.json'), '{}');
    const { stack } = synthStack({ layerDir: built }, { bundle: false });
    Annotations.fromStack(stack).hasNoWarning('/VggProbe/Backbone', Match.anyValue());
    expect(stack.backboneLayer.built).toBe(true);
  });
});
