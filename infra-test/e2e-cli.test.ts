import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSeededVgg16Backbone } from '../shared/backbone/vgg16-backbone-writer.js';
import { writeSyntheticImages, type SyntheticImageSet } from '../local/demo/synthetic-images.js';
import { stateFilePath } from '../local/stack/state-file.js';
import { type CliRun, REPO_ROOT, runCli } from './e2e-support.js';

/**
 * The `vgg-probe` command as a user runs it: `local` in one process, the other commands
 * in their own processes, finding the stack through the state file.
 */
describe('vgg-probe CLI on the local stack', () => {
  let scratch: string;
  let dataDir: string;
  let images: SyntheticImageSet;
  let local: ChildProcessWithoutNullStreams;
  let ready: Record<string, unknown>;
  let localStderr = '';

  const cli = (...args: string[]) => runCli(['--json', '--data-dir', dataDir, ...args]);

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'vgg-probe-cli-'));
    dataDir = join(scratch, 'local');
    const backbone = await buildSeededVgg16Backbone({
      backboneDir: join(scratch, 'backbone'),
      widthDivisor: 16,
    });
    images = await writeSyntheticImages({
      dir: join(scratch, 'images'),
      trainPerClass: 10,
      evalPerClass: 3,
      seed: 7,
    });
    await writeFile(join(images.trainDir, 'circles', 'README.txt'), 'not an image');

    local = spawn(
      process.execPath,
      [
        join(REPO_ROOT, 'bin', 'vgg-probe.js'),
        '--data-dir',
        dataDir,
        'local',
        '--backbone',
        backbone.backboneDir,
      ],
      { cwd: REPO_ROOT, env: process.env },
    );
    local.stderr.on('data', (chunk: Buffer) => (localStderr += chunk.toString('utf8')));
    ready = await new Promise((resolve, reject) => {
      let stdout = '';
      local.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString('utf8');
        const line = stdout.split('\n').find((candidate) => candidate.startsWith('{'));
        if (line) {
          resolve(JSON.parse(line) as Record<string, unknown>);
        }
      });
      local.on('exit', (code) =>
        reject(new Error(`vgg-probe local exited with ${code}: ${localStderr}`)),
      );
    });
  }, 300_000);

  afterAll(async () => {
    if (local && local.exitCode === null) {
      local.kill('SIGKILL');
    }
    await rm(scratch, { recursive: true, force: true });
  });

  it('local prints where the stack listens', () => {
    expect(ready.s3Endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(ready.bucket).toBe('vgg-probe-local');
    expect(ready.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\/$/);
    expect(ready.untrained).toBe(true);
    expect(existsSync(stateFilePath(dataDir))).toBe(true);
  });

  it('upload skips files that are not images', async () => {
    const run = await cli('upload', images.trainDir, '--wait');

    expect(run.code).toBe(0);
    expect(run.json.uploaded).toBe(20);
    expect(run.json.skipped).toBe(1);
    expect(run.json.extraction.features).toBe(20);
    expect(run.stderr).toContain('README.txt');
  });

  it('status counts images and features', async () => {
    const run = await cli('status');

    expect(run.code).toBe(0);
    expect(run.json.images.total).toBe(20);
    expect(run.json.features.total).toBe(20);
    expect(run.json.currentModel).toBeNull();
    expect(run.json.backbone.untrained).toBe(true);
  });

  it('predict before training says what to do', async () => {
    const run = await cli('predict', join(images.evalDir, 'circles', 'circles-000.jpg'));

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('vgg-probe train');
  });

  let version: string;

  it('train prints the model metrics', async () => {
    const run = await cli('train', '--epochs', '30', '--loss', 'softmax');

    expect(run.code).toBe(0);
    expect(run.json.status).toBe('SUCCEEDED');
    expect(run.json.validation.accuracy).toBeGreaterThan(0.5);
    version = run.json.version;
  });

  let prediction: CliRun;

  it('predict classifies files over HTTP', async () => {
    const run = await cli(
      'predict',
      join(images.evalDir, 'squares', 'squares-000.jpg'),
      join(images.evalDir, 'circles', 'circles-000.jpg'),
    );
    prediction = run;

    expect(run.code).toBe(0);
    expect(run.json.predictions).toHaveLength(2);
    expect(run.json.predictions[0].modelVersion).toBe(version);
    expect(['circles', 'squares', null]).toContain(run.json.predictions[0].label);
  });

  it('predict warns once about the seeded backbone', () => {
    const run = prediction;
    const stdoutLines = run.stdout.trim().split('\n');

    expect(run.stderr.match(/is untrained \(random weights\)/g)).toHaveLength(1);
    expect(run.stdout).not.toContain('warning');
    expect(stdoutLines).toHaveLength(1);
    expect(() => JSON.parse(stdoutLines[0])).not.toThrow();
  });

  it('evaluate reports accuracy and the confusion matrix', async () => {
    const run = await cli('evaluate', images.evalDir);

    expect(run.code).toBe(0);
    expect(run.json.sampleCount).toBe(6);
    expect(run.json.confusionMatrix).toHaveLength(2);
    expect(run.json.perClass.map((metrics: { label: string }) => metrics.label)).toEqual([
      'circles',
      'squares',
    ]);
  });

  it('models and rollback manage versions', async () => {
    const second = await cli('train', '--epochs', '5', '--loss', 'svm');
    expect(second.code).toBe(0);

    const rollback = await cli('rollback', version);
    expect(rollback.code).toBe(0);

    const models = await cli('models');
    expect(models.json.versions).toHaveLength(2);
    expect(models.json.current.version).toBe(version);
  });

  it('rollback to an unknown version fails clearly', async () => {
    const run = await cli('rollback', 'no-such-version');

    expect(run.code).toBe(1);
    expect(run.json.error.message).toContain('404');
  });

  it('report saves the training report', async () => {
    const file = join(scratch, 'report.html');
    const run = await cli('report', version, '--out', file);

    expect(run.code).toBe(0);
    expect(run.json.file).toBe(file);
    expect(await readFile(file, 'utf8')).toContain('<svg');
  });

  it('report of an unknown version fails clearly', async () => {
    const run = await cli('report', 'no-such-version');

    expect(run.code).toBe(1);
    expect(run.json.error.message).toContain('has no report');
  });

  it('local stops on Ctrl-C and removes its state file', async () => {
    const exited = new Promise<number | null>((resolve) => local.on('exit', resolve));
    local.kill('SIGINT');

    expect(await exited).toBe(0);
    expect(existsSync(stateFilePath(dataDir))).toBe(false);
  });

  it('commands fail clearly without a running stack', async () => {
    const run = await cli('status');

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('npx vgg-probe local');
  });
});

/** The CLI given bad input or a stale local stack, with no stack running. */
describe('vgg-probe CLI errors without a stack', () => {
  let scratch: string;
  let dataDir: string;

  const cli = (...args: string[]) => runCli(['--data-dir', dataDir, ...args], 60_000);

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'vgg-probe-cli-errors-'));
    dataDir = join(scratch, 'local');
    await mkdir(dataDir, { recursive: true });
  });

  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('status rejects a truncated state file', async () => {
    await writeFile(stateFilePath(dataDir), '{"pid": 12');
    const run = await cli('status');

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('the local stack is not running');
    expect(run.stderr).toContain('npx vgg-probe local');
  });

  it('status rejects a stack that does not respond', async () => {
    // This test's process is alive, as a process that reused a dead stack's id would be.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));
    await writeFile(
      stateFilePath(dataDir),
      JSON.stringify({ pid: process.pid, stepFunctionsEndpoint: endpoint, apiUrl: endpoint }),
    );
    const run = await cli('status');

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('the local stack is not running');
    expect(run.stderr).not.toContain('    at ');
  });

  it('upload rejects a concurrency of 0', async () => {
    const run = await cli('upload', scratch, '--concurrency', '0');

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('invalid --concurrency "0"');
  });

  it('local rejects a corrupted model.json at once', async () => {
    const backbone = join(scratch, 'backbone');
    await buildSeededVgg16Backbone({ backboneDir: backbone, widthDivisor: 16 });
    await writeFile(join(backbone, 'model.json'), '{"modelTopology": {');
    const otherDataDir = join(scratch, 'other');
    const run = await runCli(['--data-dir', otherDataDir, 'local', '--backbone', backbone], 60_000);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${join(backbone, 'model.json')} is not valid JSON`);
    expect(run.stderr).not.toContain('    at ');
  });

  it('help ends quietly on a closed pipe', async () => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'vgg-probe.js'), '--help'], {
      cwd: REPO_ROOT,
      env: process.env,
    });
    // The reader goes away before the CLI writes, as `vgg-probe --help | true` does.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));

    expect(code).toBe(0);
    expect(stderr).toBe('');
  });
});
