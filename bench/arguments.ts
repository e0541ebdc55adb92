// Command-line errors of the benchmarks. `bench/run.ts` prints a usage error on one line
// and exits with code 2, unlike a failure of the benchmark itself (code 1).

/** An unknown, missing or invalid command-line option of a benchmark. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * Returns whether `error` is about the command line: a UsageError, or an error of
 * `parseArgs` from node:util (its codes start with ERR_PARSE_ARGS_).
 */
export function isUsageError(error: unknown): error is Error {
  if (error instanceof UsageError) {
    return true;
  }
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Error && typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}

/**
 * Parses the value of an integer option. Raises UsageError naming the option and the
 * accepted range when `text` is not an integer of at least `minimum`.
 */
export function integerOption(name: string, text: string, minimum: number): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isInteger(value) || value < minimum) {
    throw new UsageError(`invalid --${name} '${text}': use an integer of at least ${minimum}`);
  }
  return value;
}
