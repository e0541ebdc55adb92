import { describe, expect, it } from 'vitest';

import { elementCount } from './layers-model-json.js';
import { vgg16Flops, vgg16Topology, vgg16WeightShapes } from './vgg16-topology.js';

describe('vgg16WeightShapes', () => {
  it('has the 138,357,544 Keras parameters', () => {
    const total = vgg16WeightShapes().reduce((sum, w) => sum + elementCount(w.shape), 0);

    expect(total).toBe(138_357_544);
  });

  it('uses Keras weight names', () => {
    const names = vgg16WeightShapes().map((w) => w.name);

    expect(names[0]).toBe('block1_conv1/kernel');
    expect(names).toContain('block5_conv3/bias');
    expect(names.at(-2)).toBe('predictions/kernel');
    expect(names.length).toBe(32);
  });

  it('shapes fc1 from the 7x7x512 map', () => {
    const fc1 = vgg16WeightShapes().find((w) => w.name === 'fc1/kernel');

    expect(fc1?.shape).toEqual([25_088, 4096]);
  });

  it('divides widths but keeps 1000 classes', () => {
    const shapes = vgg16WeightShapes(16);

    expect(shapes[0].shape).toEqual([3, 3, 3, 4]);
    expect(shapes.at(-2)?.shape).toEqual([256, 1000]);
  });

  it('rejects a divisor that does not divide 64', () => {
    expect(() => vgg16WeightShapes(3)).toThrow(/divisor/);
  });
});

describe('vgg16Flops', () => {
  it('is about 30.9 GFLOP', () => {
    expect(vgg16Flops() / 1e9).toBeCloseTo(30.95, 1);
  });
});

describe('vgg16Topology', () => {
  it('lists the Keras layer names in order', () => {
    const config = vgg16Topology()['config'] as { layers: Array<{ name: string }> };
    const names = config.layers.map((layer) => layer.name);

    expect(names.slice(0, 4)).toEqual(['input_1', 'block1_conv1', 'block1_conv2', 'block1_pool']);
    expect(names.slice(-5)).toEqual(['block5_pool', 'flatten', 'fc1', 'fc2', 'predictions']);
    expect(names.length).toBe(23);
  });
});
