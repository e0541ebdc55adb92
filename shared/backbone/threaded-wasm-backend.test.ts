import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { jpegBaseline } from '../image/test-fixtures.js';
import { buildTestBackbone, type TestBackbone } from './test-backbone.js';

const run = promisify(execFile);
const script = join(import.meta.dirname, 'test-support', 'print-features.ts');
const tsx = join(import.meta.dirname, '..', '..', 'node_modules', '.bin', 'tsx');

interface Printed {
  threads: number;
  features: number[];
}

async function featuresWith(backbone: TestBackbone, threads: number, imagePath: string): Promise<Printed> {
  const { stdout } = await run(tsx, [script, backbone.backboneDir, String(threads), imagePath], {
    timeout: 120_000,
  });
  return JSON.parse(stdout) as Printed;
}

// The thread count is global to a process, so each setting runs in its own child process.
describe('threaded WASM backend', () => {
  let backbone: TestBackbone;
  let imagePath: string;

  beforeAll(async () => {
    backbone = await buildTestBackbone({ widthDivisor: 8 });
    imagePath = join(backbone.backboneDir, 'image.jpg');
    await writeFile(imagePath, await jpegBaseline());
  });

  afterAll(async () => {
    await backbone.cleanup();
  });

  it('two threads give the single-threaded features', async () => {
    const [single, threaded] = await Promise.all([
      featuresWith(backbone, 1, imagePath),
      featuresWith(backbone, 2, imagePath),
    ]);

    expect(single.threads).toBe(1);
    expect(threaded.threads).toBe(2);
    expect(threaded.features.length).toBe(512);
    expect(threaded.features).toEqual(single.features);
  });
});
