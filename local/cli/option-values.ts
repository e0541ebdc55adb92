import { CliError } from './errors.js';

/** Parses an option value that must be an integer of at least 1, such as `--concurrency 8`. */
export function parsePositiveInteger(value: string, flag: string): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isInteger(number) || number < 1) {
    throw new CliError(
      `invalid ${flag} ${JSON.stringify(value)}`,
      `Pass an integer of at least 1, for example ${flag} 8.`,
    );
  }
  return number;
}
