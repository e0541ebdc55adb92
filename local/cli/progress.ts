import cliProgress from 'cli-progress';

/** A progress display that does nothing when stderr is not a terminal or in JSON mode. */
export interface Progress {
  start(total: number, label: string): void;
  increment(by?: number): void;
  update(value: number, payload?: { label?: string }): void;
  setTotal(total: number): void;
  stop(): void;
}

/** Creates a progress bar on stderr, or a silent one when `enabled` is false. */
export function createProgress(enabled: boolean): Progress {
  if (!enabled || !process.stderr.isTTY) {
    return { start() {}, increment() {}, update() {}, setTotal() {}, stop() {} };
  }

  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: '{label} [{bar}] {value}/{total} {percentage}% | {duration_formatted}',
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  return {
    start: (total, label) => bar.start(total, 0, { label }),
    increment: (by = 1) => bar.increment(by),
    update: (value, payload) => bar.update(value, payload ?? {}),
    setTotal: (total) => bar.setTotal(total),
    stop: () => bar.stop(),
  };
}
