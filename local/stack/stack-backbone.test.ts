import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelFormatError } from '../../shared/backbone/layers-model-json.js';
import { writeManifestOnlyBackbone } from './manifest-only-backbone.js';
import { readStackBackbone } from './stack-backbone.js';

describe('readStackBackbone', () => {
  let scratch: string;
  let backboneDir: string;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'vgg-probe-stack-backbone-'));
    backboneDir = await writeManifestOnlyBackbone(scratch);
  });

  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('reads the manifest', async () => {
    const backbone = await readStackBackbone(backboneDir);

    expect(backbone.id).toBe('tiny-seeded');
    expect(backbone.featureLayer).toBe('fc2');
    expect(backbone.untrained).toBe(true);
    expect(backbone.dir).toBe(backboneDir);
  });

  it('prefers the given feature layer', async () => {
    const backbone = await readStackBackbone(backboneDir, 'block5_pool');

    expect(backbone.featureLayer).toBe('block5_pool');
  });

  it('rejects a missing folder', async () => {
    const read = readStackBackbone(join(scratch, 'missing'));

    await expect(read).rejects.toBeInstanceOf(ModelFormatError);
    await expect(read).rejects.toThrow('not found');
  });
});
