import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { StoredWeightDtype } from './layers-model-writer.js';
import { buildSeededVgg16Backbone, type WrittenBackbone } from './vgg16-backbone-writer.js';

export interface TestBackbone extends WrittenBackbone {
  /** Deletes the temporary folder. */
  cleanup(): Promise<void>;
}

/**
 * Builds the small seeded VGG16 (same layer names, every width divided by `widthDivisor`,
 * 0.78M parameters at 16) into a new temporary folder, in well under a second. Tests of any
 * module can pass `backboneDir` to `createFeatureExtractor`. The weights are untrained.
 */
export async function buildTestBackbone(
  options: { widthDivisor?: number; seed?: number; dtype?: StoredWeightDtype } = {},
): Promise<TestBackbone> {
  const root = await mkdtemp(join(tmpdir(), 'vgg-probe-backbone-'));
  const written = await buildSeededVgg16Backbone({
    backboneDir: join(root, 'backbone'),
    widthDivisor: options.widthDivisor ?? 16,
    seed: options.seed ?? 1,
    dtype: options.dtype,
  });
  return { ...written, cleanup: () => rm(root, { recursive: true, force: true }) };
}
