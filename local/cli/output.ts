import { CliError } from './errors.js';

/**
 * Prints for people or for programs. In JSON mode, stdout carries only JSON lines (the
 * last one is the command's result) and messages for people go to stderr.
 */
export class Output {
  constructor(readonly json: boolean) {}

  /** Prints a line for people: on stdout normally, on stderr in JSON mode. */
  info(line: string): void {
    (this.json ? process.stderr : process.stdout).write(`${line}\n`);
  }

  warn(line: string): void {
    process.stderr.write(`warning: ${line}\n`);
  }

  /** Prints the command's result: the JSON object in JSON mode, the lines otherwise. */
  result(data: unknown, lines: readonly string[]): void {
    if (this.json) {
      process.stdout.write(`${JSON.stringify(data)}\n`);
      return;
    }
    for (const line of lines) {
      process.stdout.write(`${line}\n`);
    }
  }

  /** Prints an error with its hint; in JSON mode also as the last JSON line. */
  error(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    const hint = error instanceof CliError ? error.hint : undefined;
    process.stderr.write(`error: ${message}\n`);
    if (hint) {
      process.stderr.write(`${hint}\n`);
    }
    if (!(error instanceof CliError) && error instanceof Error && process.env.VGG_PROBE_DEBUG) {
      process.stderr.write(`${error.stack}\n`);
    }
    if (this.json) {
      process.stdout.write(
        `${JSON.stringify({ error: { message, ...(hint ? { hint } : {}) } })}\n`,
      );
    }
  }
}

/** Formats a number in [0, 1] as a percentage with one decimal. */
export function percent(value: number | undefined): string {
  return value === undefined || Number.isNaN(value) ? 'n/a' : `${(value * 100).toFixed(1)}%`;
}

/** Formats milliseconds as seconds or minutes for people. */
export function duration(ms: number): string {
  if (ms < 60_000) {
    return `${(ms / 1000).toFixed(1)} s`;
  }
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return `${minutes} min ${seconds} s`;
}
