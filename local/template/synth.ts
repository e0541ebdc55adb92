import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { type CfnTemplate, TemplateError } from './cloudformation.js';

/** Options for {@link synthesizeTemplate}. */
export interface SynthOptions {
  /** The folder with `cdk.json`. */
  readonly repoRoot: string;
  /** Folder that caches the template and its fingerprint between runs. */
  readonly cacheDir: string;
  /** @default 'VggProbe' */
  readonly stackName?: string;
}

/** Folders and files whose changes can change the template. */
const SOURCES = ['cdk', 'functions', 'shared', 'layers', 'cdk.json', 'package.json'];

/**
 * Synthesizes the CDK app and returns the stack's template, reusing the cached template
 * while no source file has changed.
 *
 * The app runs as the CDK CLI would run it (the `app` command of `cdk.json`, with
 * `CDK_OUTDIR` and `CDK_CONTEXT_JSON`), with asset bundling turned off because the local
 * stack runs the handlers from source.
 */
export async function synthesizeTemplate(options: SynthOptions): Promise<CfnTemplate> {
  const stackName = options.stackName ?? 'VggProbe';
  const cachedTemplate = join(options.cacheDir, `${stackName}.template.json`);
  const fingerprintFile = join(options.cacheDir, `${stackName}.fingerprint`);
  const fingerprint = await sourceFingerprint(options.repoRoot);

  if (existsSync(cachedTemplate) && existsSync(fingerprintFile)) {
    if ((await readFile(fingerprintFile, 'utf8')) === fingerprint) {
      return JSON.parse(await readFile(cachedTemplate, 'utf8')) as CfnTemplate;
    }
  }

  // A folder of its own, because another process may synthesize into the same cache.
  const outdir = join(options.cacheDir, `cdk.out-${process.pid}-${Date.now()}`);
  await rm(outdir, { recursive: true, force: true });
  await mkdir(outdir, { recursive: true });
  await runCdkApp(options.repoRoot, outdir);

  const template = await readStackTemplate(outdir, stackName);
  // The assembly also contains copies of the assets (the backbone layer is over 100 MB).
  await rm(outdir, { recursive: true, force: true });
  await writeAtomically(cachedTemplate, JSON.stringify(template));
  await writeAtomically(fingerprintFile, fingerprint);
  return template;
}

async function runCdkApp(repoRoot: string, outdir: string): Promise<void> {
  const cdkJsonPath = join(repoRoot, 'cdk.json');
  if (!existsSync(cdkJsonPath)) {
    throw new TemplateError(`${cdkJsonPath} not found; run the local stack from the repository`);
  }
  const cdkJson = JSON.parse(await readFile(cdkJsonPath, 'utf8')) as {
    app?: string;
    context?: Record<string, unknown>;
  };
  if (!cdkJson.app) {
    throw new TemplateError(`${cdkJsonPath} has no "app" command`);
  }

  const context = { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] };
  const stderr: Buffer[] = [];
  const child = spawn(cdkJson.app, {
    cwd: repoRoot,
    shell: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: JSON.stringify(context) },
  });
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));

  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (exitCode !== 0) {
    const output = Buffer.concat(stderr).toString('utf8').trim().split('\n').slice(-20).join('\n');
    throw new TemplateError(
      `the CDK app (${cdkJson.app}) failed with exit code ${exitCode}; ` +
        `run \`npx cdk synth\` to see the full error:\n${output}`,
    );
  }
}

async function readStackTemplate(outdir: string, stackName: string): Promise<CfnTemplate> {
  const manifest = JSON.parse(await readFile(join(outdir, 'manifest.json'), 'utf8')) as {
    artifacts?: Record<string, { type: string; displayName?: string; properties?: any }>;
  };

  for (const [id, artifact] of Object.entries(manifest.artifacts ?? {})) {
    const name = artifact.properties?.stackName ?? artifact.displayName ?? id;
    if (artifact.type === 'aws:cloudformation:stack' && name === stackName) {
      const file = join(outdir, artifact.properties.templateFile as string);
      return JSON.parse(await readFile(file, 'utf8')) as CfnTemplate;
    }
  }
  throw new TemplateError(`the CDK app synthesized no stack named ${stackName}`);
}

/** Writes a file through a temporary file and a rename, so that readers never see half of it. */
async function writeAtomically(path: string, content: string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, content);
  await rename(temporary, path);
}

/** Hashes the path, size and modification time of every source file. */
async function sourceFingerprint(repoRoot: string): Promise<string> {
  const hash = createHash('sha256');
  const visit = async (path: string): Promise<void> => {
    if (!existsSync(path)) {
      return;
    }
    const info = await stat(path);
    if (info.isDirectory()) {
      const names = (await readdir(path)).filter((name) => name !== 'node_modules').sort();
      for (const name of names) {
        await visit(join(path, name));
      }
      return;
    }
    if (/\.(ts|json)$/.test(path)) {
      hash.update(`${relative(repoRoot, path)}:${info.size}:${info.mtimeMs}\n`);
    }
  };

  for (const source of SOURCES) {
    await visit(join(repoRoot, source));
  }
  return hash.digest('hex');
}
