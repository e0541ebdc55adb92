import { describe, expect, it } from 'vitest';
import { InvalidLabelError } from './errors.js';
import { labelProblem, sanitizeLabel, validateLabel } from './labels.js';

describe('validateLabel', () => {
  it.each(['cats', 'Golden_Retriever', 'class-1', 'v1.2', 'chien', 'café', '猫'])(
    'accepts %s',
    (label) => {
      expect(validateLabel(label)).toBe(label);
    },
  );

  it.each([
    ['', 'empty'],
    ['..', 'letters'],
    ['.hidden', 'letters'],
    ['my cats', 'letters'],
    ['a/b', 'letters'],
    ['a+b', 'letters'],
    ['tab\there', 'letters'],
    ['x'.repeat(101), 'more than 100'],
    ['cafe\u0301', 'NFC'],
  ])('rejects %j', (label, fragment) => {
    expect(() => validateLabel(label)).toThrow(InvalidLabelError);
    expect(labelProblem(label)).toContain(fragment);
  });

  it('suggests a sanitized name', () => {
    expect(() => validateLabel('my cats')).toThrow('for example to "my_cats"');
  });
});

describe('sanitizeLabel', () => {
  it.each([
    ['my cats', 'my_cats'],
    ['  dogs  ', 'dogs'],
    ['a/b\\c', 'a_b_c'],
    ['.hidden', 'hidden'],
    ['cafe\u0301', 'café'],
    ['100% cotton!', '100_cotton'],
  ])('turns %j into %j', (folder, label) => {
    expect(sanitizeLabel(folder)).toBe(label);
  });

  it('rejects names without letters or digits', () => {
    expect(() => sanitizeLabel('...')).toThrow(InvalidLabelError);
  });

  it('returns valid labels', () => {
    for (const folder of ['x y z', '--a--', 'ü ö', 'k'.repeat(300)]) {
      expect(labelProblem(sanitizeLabel(folder))).toBeUndefined();
    }
  });
});
