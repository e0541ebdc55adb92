import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { parseArguments, UsageError } from './build.js';

const buildScript = join(import.meta.dirname, 'build.ts');

/** Runs `npm run build:weights -- <args>` the way npm does, without npm's own output. */
function buildWeights(...args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', buildScript, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('parseArguments', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('returns nothing after the help', () => {
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);

    expect(parseArguments(['--help'])).toBeUndefined();
    expect(String(write.mock.calls[0][0])).toContain('Usage: build:weights [options]');
  });

  it('raises an unknown option without printing it', () => {
    const writeError = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);

    expect(() => parseArguments(['--bogus'])).toThrow(new UsageError("unknown option '--bogus'"));
    expect(writeError).not.toHaveBeenCalled();
  });

  it('raises an invalid number', () => {
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);

    expect(() => parseArguments(['--seeded', '--seed', 'x'])).toThrow(UsageError);
  });

  it('raises a missing weight source', () => {
    expect(() => parseArguments([])).toThrow(
      new UsageError('pass exactly one of --seeded or --keras-h5 <file>'),
    );
  });

  it('resolves the output folder', () => {
    const options = parseArguments(['--seeded', '--out', 'relative/layer']);

    expect(options?.out).toBe(join(process.cwd(), 'relative', 'layer'));
  });
});

describe('npm run build:weights', () => {
  it('exits 0 after the help', () => {
    const result = buildWeights('--help');

    expect(result.status).toBe(0);
    expect(result.stdout).toContain('--keras-h5 <file>');
    expect(result.stderr).toBe('');
  });

  it('reports an unknown option once', () => {
    const result = buildWeights('--bogus');

    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      "build:weights: unknown option '--bogus'. Run npm run build:weights -- --help for the options.\n",
    );
  });
});
