import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelNotFoundError } from './errors.js';
import {
  ModelRegistry,
  ModelVersionExistsError,
  newModelVersion,
  type ModelMetricsDocument,
} from './model-registry.js';
import { startTestBucket, type TestBucket } from './test-bucket.js';

let bucket: TestBucket;
let registry: ModelRegistry;

function metrics(version: string, accuracy: number): ModelMetricsDocument {
  return {
    version,
    createdAt: '2025-01-01T00:00:00.000Z',
    loss: 'softmax',
    labels: ['cats', 'dogs'],
    backboneId: 'vgg16',
    featureLayer: 'fc2',
    validation: { accuracy },
  };
}

async function publish(version: string, accuracy: number): Promise<void> {
  await registry.publish(version, {
    model: new Uint8Array([1, 2, 3, accuracy * 100]),
    metrics: metrics(version, accuracy),
    reportHtml: '<html></html>',
  });
}

beforeAll(async () => {
  bucket = await startTestBucket();
  registry = new ModelRegistry(bucket.client, bucket.bucket);
});

afterAll(async () => {
  await bucket.close();
});

describe('ModelRegistry', () => {
  it('has no current model at first', async () => {
    expect(await registry.getCurrent()).toBeUndefined();
  });

  it('points current at a published version', async () => {
    await publish('20250101T000000Z-a', 0.9);
    expect((await registry.getCurrent())?.version).toBe('20250101T000000Z-a');
    expect(Array.from(await registry.loadModel('20250101T000000Z-a'))).toEqual([1, 2, 3, 90]);
  });

  it('remembers the previous version', async () => {
    await publish('20250102T000000Z-b', 0.95);
    const current = await registry.getCurrent();
    expect(current?.version).toBe('20250102T000000Z-b');
    expect(current?.previousVersion).toBe('20250101T000000Z-a');
  });

  it('never overwrites a version', async () => {
    await expect(publish('20250101T000000Z-a', 0.5)).rejects.toThrow(ModelVersionExistsError);
    expect((await registry.loadMetrics('20250101T000000Z-a')).validation.accuracy).toBe(0.9);
  });

  it('rolls back to an older version', async () => {
    await registry.setCurrent('20250101T000000Z-a');
    expect((await registry.getCurrent())?.version).toBe('20250101T000000Z-a');
  });

  it('rejects an unknown version', async () => {
    await expect(registry.setCurrent('20990101T000000Z-none')).rejects.toThrow(ModelNotFoundError);
  });

  it('lists versions newest first', async () => {
    const versions = await registry.listVersions();
    expect(versions.map((v) => v.version)).toEqual(['20250102T000000Z-b', '20250101T000000Z-a']);
    expect(versions.map((v) => v.current)).toEqual([false, true]);
    expect(versions[0].validation.accuracy).toBe(0.95);
  });
});

describe('newModelVersion', () => {
  it('sorts by time and keeps the run id', () => {
    const version = newModelVersion(new Date('2025-03-04T05:06:07.890Z'), 'my run/1');
    expect(version).toBe('20250304T050607Z-my-run-1');
  });
});
