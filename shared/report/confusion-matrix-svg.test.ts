import { describe, expect, it } from 'vitest';
import { confusionMatrixSvg } from './confusion-matrix-svg.js';

const labels = ['a', 'b', 'c'];
const matrix = [
  [8, 0, 0],
  [1, 5, 4],
  [0, 0, 9],
];

/** Returns the fill of the cell for true class `i` and predicted class `j`, as [r, g, b]. */
function cellFill(svg: string, i: number, j: number): number[] {
  const pattern = new RegExp(
    `<rect class="\\w+"[^>]*fill="rgb\\((\\d+),(\\d+),(\\d+)\\)"[^>]*><title>true ${labels[i]}, predicted ${labels[j]}:`,
  );
  return pattern.exec(svg)!.slice(1, 4).map(Number);
}

describe('confusionMatrixSvg', () => {
  const svg = confusionMatrixSvg(labels, matrix);

  it('draws one cell per pair', () => {
    expect(svg.match(/<rect class="(correct|error)"/g)).toHaveLength(9);
  });

  it('titles both axes', () => {
    expect(svg).toContain('>predicted class</text>');
    expect(svg).toContain('>true class</text>');
  });

  it('colours correct cells blue', () => {
    const [r, , b] = cellFill(svg, 2, 2);

    expect(b).toBeGreaterThan(r);
  });

  it('colours error cells red', () => {
    const [r, , b] = cellFill(svg, 1, 0);

    expect(r).toBeGreaterThan(b);
  });

  it('darkens errors with their count', () => {
    const oneError = cellFill(svg, 1, 0).reduce((sum, c) => sum + c, 0);
    const fourErrors = cellFill(svg, 1, 2).reduce((sum, c) => sum + c, 0);

    expect(fourErrors).toBeLessThan(oneError);
  });

  it('shades a single error clearly beside many', () => {
    const skewed = confusionMatrixSvg(labels, [
      [30, 1, 0],
      [0, 5, 20],
      [0, 0, 9],
    ]);
    const [, g] = cellFill(skewed, 0, 1);

    expect(g).toBeLessThan(200);
  });

  it('shades the diagonal by the row share', () => {
    const full = cellFill(svg, 0, 0).reduce((sum, c) => sum + c, 0);
    const half = cellFill(svg, 1, 1).reduce((sum, c) => sum + c, 0);

    expect(full).toBeLessThan(half);
  });

  it('prints every count', () => {
    for (const count of [8, 1, 5, 4, 9]) {
      expect(svg).toMatch(new RegExp(`font-weight="bold"[^>]*>${count}</text>`));
    }
  });

  it('leaves counts out of a large matrix', () => {
    const k = 40;
    const big = confusionMatrixSvg(
      Array.from({ length: k }, (_, i) => `class${i}`),
      Array.from({ length: k }, (_, i) => Array.from({ length: k }, (_, j) => (i === j ? 7 : 0))),
    );

    expect(big.match(/<rect class="correct"/g)).toHaveLength(k);
    expect(big).not.toMatch(/>7<\/text>/);
  });

  it('escapes labels', () => {
    const escaped = confusionMatrixSvg(['<b>', 'ok'], [
      [1, 0],
      [0, 1],
    ]);

    expect(escaped).not.toContain('<b>');
    expect(escaped).toContain('&lt;b&gt;');
  });
});
