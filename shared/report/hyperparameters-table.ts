import { htmlTable } from './html.js';
import { formatSignificant } from './number-format.js';

/**
 * Renders the hyperparameters as a two-column table, numbers rounded to four significant
 * digits: a learning rate of 1/768 shows as 0.001302.
 */
export function hyperparametersTable(hyperparameters: Readonly<Record<string, unknown>>): string {
  const rows = Object.entries(hyperparameters).map(([name, value]) => [
    name,
    formatHyperparameter(value),
  ]);
  return htmlTable(['name', 'value'], rows, 'hyperparameters');
}

/** Formats one value of any JSON type for display. */
export function formatHyperparameter(value: unknown): string {
  if (value === null || value === undefined) {
    return 'not set';
  }
  if (typeof value === 'number') {
    return formatSignificant(value);
  }
  if (Array.isArray(value)) {
    return value.map(formatHyperparameter).join(', ');
  }
  if (typeof value === 'object') {
    return Object.entries(value)
      .map(([key, item]) => `${key}: ${formatHyperparameter(item)}`)
      .join(', ');
  }
  return String(value);
}
