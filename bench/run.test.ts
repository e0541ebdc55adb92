import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const runScript = join(import.meta.dirname, 'run.ts');

/** Runs `npm run bench -- <args>` the way npm does, without npm's own output. */
function bench(...args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', runScript, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function lines(text: string): string[] {
  return text.split('\n').filter((line) => line !== '');
}

describe('npm run bench', () => {
  it('lists the benchmarks for --help', () => {
    const result = bench('--help');

    expect(result.status).toBe(0);
    expect(result.stdout).toContain('train');
    expect(result.stdout).toContain('extract');
    expect(result.stderr).toBe('');
  });

  it('rejects an unknown benchmark', () => {
    const result = bench('nope');

    expect(result.status).toBe(2);
    expect(lines(result.stderr)).toEqual(["unknown benchmark 'nope': use train, extract, system, accuracy, or --help"]);
  });

  it('rejects a missing name', () => {
    expect(bench().status).toBe(2);
  });
});

describe.each(['train', 'extract', 'accuracy'])('npm run bench -- %s', (name) => {
  it('prints its options for --help', () => {
    const result = bench(name, '--help');

    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^usage: npm run bench -- ${name} `));
    expect(result.stderr).toBe('');
  });

  it('reports an unknown option once', () => {
    const result = bench(name, '--bogus');

    expect(result.status).toBe(2);
    expect(lines(result.stderr)).toEqual([
      `bench ${name}: Unknown option '--bogus'. Run npm run bench -- ${name} --help for the options.`,
    ]);
  });

  it('reports an invalid value on one line', () => {
    const option = { train: '--samples', extract: '--runs', accuracy: '--folds' }[name] ?? '';
    const result = bench(name, option, '1');

    expect(result.status).toBe(2);
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toContain(`invalid ${option} '1'`);
  });
});

describe('npm run bench -- train, small size', () => {
  it('prints the JSON result last', () => {
    const result = bench('train', '--samples', '64', '--dim', '8', '--epochs', '1', '--tfjs-epochs', '1');
    const last = JSON.parse(lines(result.stdout).at(-1) ?? '{}');

    expect(result.status).toBe(0);
    expect(Object.keys(last).slice(0, 4)).toEqual(['bench', 'ours_s_per_epoch', 'tfjs_fit_s_per_epoch', 'memory_pass_s']);
    expect(last.samples).toBe(64);
    expect(last.dim).toBe(8);
    expect(result.stderr).toMatch(/target at least 25x: (met|NOT met)/);
    expect(result.stderr).toContain('note: the targets are set for 25000 x 4096 features; this run used 64 x 8');
  });
});
