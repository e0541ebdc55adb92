import { cp, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveBackbone } from '../../shared/backbone/backbone-manifest.js';
import { buildSeededVgg16Backbone } from '../../shared/backbone/vgg16-backbone-writer.js';
import { CliError } from '../cli/errors.js';
import { checkBackboneFiles } from './backbone-check.js';
import { chooseBackbone } from './backbone-choice.js';

describe('checkBackboneFiles', () => {
  let scratch: string;
  let good: string;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'vgg-probe-backbone-check-'));
    good = join(scratch, 'good');
    await buildSeededVgg16Backbone({ backboneDir: good, widthDivisor: 16 });
  });

  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  /** Copies the good backbone to a new folder and applies `breakIt` to the copy. */
  const brokenCopy = async (name: string, breakIt: (dir: string) => Promise<void>) => {
    const dir = join(scratch, name);
    await cp(good, dir, { recursive: true });
    await breakIt(dir);
    return dir;
  };

  const shardOf = async (dir: string) => {
    const model = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    return join(dir, model.weightsManifest[0].paths[0] as string);
  };

  it('accepts a complete backbone', async () => {
    await expect(checkBackboneFiles(await resolveBackbone(good))).resolves.toBeUndefined();
  });

  it('rejects a corrupted model.json', async () => {
    const dir = await brokenCopy('corrupt', (copy) =>
      writeFile(join(copy, 'model.json'), '{"modelTopology": {'),
    );

    await expect(checkBackboneFiles(await resolveBackbone(dir))).rejects.toThrow(
      /model\.json is not valid JSON/,
    );
  });

  it('rejects a missing weight shard', async () => {
    const dir = await brokenCopy('no-shard', async (copy) => rm(await shardOf(copy)));

    await expect(checkBackboneFiles(await resolveBackbone(dir))).rejects.toThrow(/is missing/);
  });

  it('rejects a truncated weight shard', async () => {
    const dir = await brokenCopy('short-shard', async (copy) => {
      await truncate(await shardOf(copy), 1000);
    });

    await expect(checkBackboneFiles(await resolveBackbone(dir))).rejects.toThrow(
      /contain 1000 bytes, but its manifest lists/,
    );
  });

  it('rejects an unknown feature layer', async () => {
    await expect(checkBackboneFiles(await resolveBackbone(good), 'fc9')).rejects.toThrow(
      /feature layer "fc9" is not a layer of/,
    );
  });

  it('reports through chooseBackbone as a CLI error', async () => {
    const dir = await brokenCopy('corrupt-choice', (copy) =>
      writeFile(join(copy, 'model.json'), 'not json\nat all'),
    );
    const choice = chooseBackbone({ backbone: dir, repoRoot: scratch, cacheDir: scratch });

    const error = await choice.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).message).not.toContain('\n');
    expect((error as CliError).hint).toContain('--backbone');
  });
});
