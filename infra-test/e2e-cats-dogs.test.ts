import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Output } from '../local/cli/output.js';
import { type DemoResult, runDemo } from '../local/demo/run-demo.js';
import { REPO_ROOT, SHARED_DIR } from './e2e-support.js';

const PHOTOS = join(SHARED_DIR, 'data', 'cats-dogs');
const MOBILENET = join(SHARED_DIR, 'models', 'mobilenet_v1_0.75_224');
const available = existsSync(join(PHOTOS, 'train')) && existsSync(join(MOBILENET, 'model.json'));

if (!available) {
  console.warn(
    `skipping the cats-dogs end-to-end test: it needs the photos in ${PHOTOS} and the MobileNet in ${MOBILENET}`,
  );
}

/**
 * The demo on 1,000 real cat and dog photos (800 train, 200 valid) with the pretrained
 * MobileNet v1 0.75 as backbone and default training settings.
 */
describe.skipIf(!available)('demo on real cat and dog photos', () => {
  let scratch: string;
  let result: DemoResult;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'vgg-probe-cats-dogs-'));
    result = await runDemo(
      {
        images: PHOTOS,
        backbone: MOBILENET,
        repoRoot: REPO_ROOT,
        dataDir: join(scratch, 'demo'),
        cacheDirs: {
          template: join(scratch, 'cache', 'template'),
          backbones: join(scratch, 'cache', 'backbones'),
        },
        progress: false,
      },
      new Output(true),
    );
  }, 1_200_000);

  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('extracts every photo', () => {
    expect(result.images.uploaded).toBe(1000);
    expect(result.images.errors).toBe(0);
  });

  it('validates on the valid folder', () => {
    expect(result.images.layout).toBe('splits');
    expect(result.training.input.split).toBe('folder');
  });

  it('reaches 98% validation accuracy', () => {
    expect(result.validation.accuracy).toBeGreaterThanOrEqual(0.98);
  });
});
