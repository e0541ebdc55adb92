import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { VggProbeStack } from '../cdk/lib/vgg-probe-stack.js';
import type { CfnTemplate } from '../local/template/cloudformation.js';

// The tests run on Node.js 20 with pinned SDK versions; the SDK's notice about Node.js 22
// would only clutter the test output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** The repository root. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The folder with the real photos and models, beside the repository; tests skip without it. */
export const SHARED_DIR = resolve(REPO_ROOT, '..', 'shared');

/**
 * Synthesizes the product's stack in this process, as the CDK app defines it, with
 * bundling skipped and an empty layer folder: the local stack runs the handlers from
 * source and takes only the template from the synthesis.
 */
export function synthesizeProductTemplate(scratchDir: string): CfnTemplate {
  const layerDir = join(scratchDir, 'empty-layer');
  mkdirSync(layerDir, { recursive: true });
  const app = new App({
    outdir: join(scratchDir, 'cdk.out'),
    context: { 'aws:cdk:bundling-stacks': [] },
  });
  new VggProbeStack(app, 'VggProbe', { layerDir });
  return app.synth().getStackByName('VggProbe').template as CfnTemplate;
}

/** The result of one CLI run. */
export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The last stdout line parsed as JSON, when it is JSON. */
  readonly json: any;
}

/** Runs `bin/vgg-probe.js` with arguments and returns its output once it exits. */
export function runCli(args: readonly string[], timeoutMs = 120_000): Promise<CliRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'vgg-probe.js'), ...args], {
      cwd: REPO_ROOT,
      env: process.env,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`vgg-probe ${args.join(' ')} timed out after ${timeoutMs} ms; stderr: ${stderr}`),
      );
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr, json: lastJsonLine(stdout) });
    });
  });
}

function lastJsonLine(stdout: string): unknown {
  const last = stdout.trim().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(last);
  } catch {
    return undefined;
  }
}
