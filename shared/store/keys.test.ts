import { describe, expect, it } from 'vitest';
import { InvalidKeyError, InvalidLabelError } from './errors.js';
import {
  errorKey,
  featureKey,
  imageKeyOfFeature,
  isFolderMarker,
  modelKey,
  parseImageKey,
  trainingKey,
} from './keys.js';

const space = { backboneId: 'vgg16', featureLayer: 'fc2' };

describe('parseImageKey', () => {
  it('splits label and path', () => {
    expect(parseImageKey('images/cats/2024/a b.jpg')).toEqual({
      key: 'images/cats/2024/a b.jpg',
      label: 'cats',
      path: '2024/a b.jpg',
    });
  });

  it.each([
    'images/a.jpg',
    'images/cats/',
    'uploads/cats/a.jpg',
    'images//a.jpg',
    'images/cats/../x.jpg',
  ])('rejects %s', (key) => {
    expect(() => parseImageKey(key)).toThrow(InvalidKeyError);
  });

  it('rejects an unsafe label', () => {
    expect(() => parseImageKey('images/my cats/a.jpg')).toThrow(InvalidLabelError);
  });
});

describe('derived keys', () => {
  it('mirrors the image path under features', () => {
    expect(featureKey(space, 'images/cats/a.jpg')).toBe('features/vgg16/fc2/cats/a.jpg.f32');
  });

  it('mirrors the image path under errors', () => {
    expect(errorKey(space, 'images/cats/a.jpg')).toBe('errors/vgg16/fc2/cats/a.jpg.json');
  });

  it('maps a feature key back to its image', () => {
    const image = 'images/cats/sub/x y.png';
    expect(imageKeyOfFeature(space, featureKey(space, image))).toBe(image);
  });

  it('rejects a feature key of another space', () => {
    expect(() => imageKeyOfFeature(space, 'features/vgg16/block5_pool/cats/a.jpg.f32')).toThrow(
      InvalidKeyError,
    );
  });

  it('rejects an unsafe backbone id', () => {
    expect(() => featureKey({ backboneId: '../x', featureLayer: 'fc2' }, 'images/a/b.jpg')).toThrow(
      InvalidKeyError,
    );
  });

  it('builds training and model keys', () => {
    expect(trainingKey('run-1', 'svm-0', 'checkpoint.bin')).toBe(
      'training/run-1/svm-0/checkpoint.bin',
    );
    expect(modelKey('20250101T000000Z-run-1', 'model.bin')).toBe(
      'models/20250101T000000Z-run-1/model.bin',
    );
  });

  it('recognizes folder markers', () => {
    expect(isFolderMarker('images/cats/')).toBe(true);
    expect(isFolderMarker('images/cats/a.jpg')).toBe(false);
  });
});
