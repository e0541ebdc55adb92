/** Text shown in place of a missing or non-finite number. */
export const MISSING = '—';

function isPresent(value: number | null | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** Formats a share in [0, 1] as a percentage with one decimal, for example `95.2%`. */
export function formatPercent(value: number | null | undefined): string {
  return isPresent(value) ? `${(value * 100).toFixed(1)}%` : MISSING;
}

/**
 * Formats a number with exactly `digits` decimals, so that the values of one column line
 * up: precision 1 prints as `1.000` beside `0.962`.
 */
export function formatFixed(value: number | null | undefined, digits: number): string {
  return isPresent(value) ? value.toFixed(digits) : MISSING;
}

/**
 * Formats a number rounded to `digits` significant digits, without trailing zeros, for
 * values of any magnitude such as a learning rate: 0.0013020833 prints as `0.001302`.
 */
export function formatSignificant(value: number | null | undefined, digits = 4): string {
  return isPresent(value) ? Number(value.toPrecision(digits)).toString() : MISSING;
}
