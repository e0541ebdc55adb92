import { appendFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthesizeTemplate } from './synth.js';

/**
 * A stand-in CDK app: it writes a cloud assembly with one stack to CDK_OUTDIR, records the
 * context it received, and counts its runs.
 */
const FAKE_APP = `
const { writeFileSync, appendFileSync, mkdirSync } = require('node:fs');
const { join } = require('node:path');
const outdir = process.env.CDK_OUTDIR;
mkdirSync(outdir, { recursive: true });
appendFileSync('runs.log', 'run\\n');
writeFileSync('context.json', process.env.CDK_CONTEXT_JSON);
writeFileSync(join(outdir, 'VggProbe.template.json'), JSON.stringify({ Resources: { A: { Type: 'X' } } }));
writeFileSync(join(outdir, 'manifest.json'), JSON.stringify({ artifacts: {
  VggProbe: { type: 'aws:cloudformation:stack', properties: { templateFile: 'VggProbe.template.json' } },
} }));
`;

describe('synthesizeTemplate', () => {
  let repo: string;
  const runs = async () =>
    (await readFile(join(repo, 'runs.log'), 'utf8')).trim().split('\n').length;

  beforeAll(async () => {
    repo = await mkdtemp(join(tmpdir(), 'vgg-probe-synth-'));
    await writeFile(join(repo, 'app.cjs'), FAKE_APP);
    await writeFile(
      join(repo, 'cdk.json'),
      JSON.stringify({ app: 'node app.cjs', context: { featureLayer: 'fc2' } }),
    );
    await mkdir(join(repo, 'cdk'));
    await writeFile(join(repo, 'cdk', 'stack.ts'), 'export {};\n');
  });

  afterAll(async () => {
    await rm(repo, { recursive: true, force: true });
  });

  it('runs the app of cdk.json', async () => {
    const template = await synthesizeTemplate({ repoRoot: repo, cacheDir: join(repo, 'cache') });

    expect(template.Resources.A.Type).toBe('X');
    expect(await runs()).toBe(1);
  });

  it('passes the context with bundling off', async () => {
    const context = JSON.parse(await readFile(join(repo, 'context.json'), 'utf8'));

    expect(context).toEqual({ featureLayer: 'fc2', 'aws:cdk:bundling-stacks': [] });
  });

  it('reuses the cached template', async () => {
    await synthesizeTemplate({ repoRoot: repo, cacheDir: join(repo, 'cache') });

    expect(await runs()).toBe(1);
  });

  it('synthesizes again after a source change', async () => {
    await appendFile(join(repo, 'cdk', 'stack.ts'), '// changed\n');
    await synthesizeTemplate({ repoRoot: repo, cacheDir: join(repo, 'cache') });

    expect(await runs()).toBe(2);
  });

  it('reports a failing app with its output', async () => {
    await writeFile(
      join(repo, 'cdk.json'),
      JSON.stringify({ app: 'node -e "console.error(42); process.exit(3)"' }),
    );

    await expect(
      synthesizeTemplate({ repoRoot: repo, cacheDir: join(repo, 'cache') }),
    ).rejects.toThrow(/exit code 3[^]*42/);
  });
});
