import { describe, expect, it } from 'vitest';
import type { TemplateFunction } from '../template/functions.js';
import { applyEnvironment, handlerEnvironment } from './handler-environment.js';

const fn = (name: string, environment: Record<string, string>): TemplateFunction => ({
  logicalId: name,
  name,
  timeoutSeconds: 10,
  environment,
});

describe('handlerEnvironment', () => {
  const overrides = { bucketName: 'local', s3Endpoint: 'http://127.0.0.1:1' };

  it('replaces the Lambda paths with local values', () => {
    const { variables } = handlerEnvironment(
      [
        fn('extract', {
          BUCKET_NAME: 'Data',
          VGG_PROBE_BACKBONE_DIR: '/opt/backbone',
          NODE_OPTIONS: '--x',
        }),
      ],
      { ...overrides, backboneDir: '/tmp/backbone' },
    );

    expect(variables.BUCKET_NAME).toBe('local');
    expect(variables.S3_ENDPOINT).toBe('http://127.0.0.1:1');
    expect(variables.VGG_PROBE_BACKBONE_DIR).toBe('/tmp/backbone');
    expect(variables.NODE_OPTIONS).toBeUndefined();
    expect(variables.POWERTOOLS_DEV).toBe('true');
  });

  it('reports variables that differ between functions', () => {
    const { variables, conflicts } = handlerEnvironment(
      [fn('a', { MODE: 'one', SHARED: 'x' }), fn('b', { MODE: 'two', SHARED: 'x' })],
      overrides,
    );

    expect(conflicts).toEqual(['MODE']);
    expect(variables.MODE).toBe('one');
  });
});

describe('applyEnvironment', () => {
  it('restores the previous values', () => {
    process.env.VGG_PROBE_TEST_A = 'before';
    delete process.env.VGG_PROBE_TEST_B;
    const restore = applyEnvironment({ VGG_PROBE_TEST_A: 'during', VGG_PROBE_TEST_B: 'set' });
    restore();

    expect(process.env.VGG_PROBE_TEST_A).toBe('before');
    expect(process.env.VGG_PROBE_TEST_B).toBeUndefined();
  });
});
