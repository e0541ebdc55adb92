import { describe, expect, it } from 'vitest';
import type { LabelledFolder, LabelledImage } from '../cli/image-folders.js';
import { checkTrainable } from './run-demo.js';

const image = (label: string, split?: 'train' | 'valid'): LabelledImage => ({
  label,
  file: `/photos/${label}/1.jpg`,
  relativePath: '1.jpg',
  format: 'jpeg',
  size: 3,
  split,
});

const folder = (layout: LabelledFolder['layout'], images: LabelledImage[]): LabelledFolder => ({
  layout,
  labels: [...new Set(images.map((each) => each.label))].sort(),
  images,
  skipped: [],
});

describe('checkTrainable', () => {
  it('rejects a folder with one label', () => {
    expect(() => checkTrainable(folder('labels', [image('cats')]), 'photos')).toThrow(
      'photos has images of one label only (cats), but a classifier needs two or more',
    );
  });

  it('rejects splits whose labels differ', () => {
    const images = [image('cats', 'train'), image('dogs', 'train'), image('cats', 'valid')];

    expect(() => checkTrainable(folder('splits', images), 'photos')).toThrow(
      /only in train\/: dogs/,
    );
  });

  it('accepts two labels in both splits', () => {
    const images = ['train', 'valid'].flatMap((split) =>
      ['cats', 'dogs'].map((label) => image(label, split as 'train' | 'valid')),
    );
    const checked = folder('splits', images);

    expect(checkTrainable(checked, 'photos')).toBe(checked);
  });
});
