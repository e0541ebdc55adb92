import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Annotations } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { DEFAULT_LAYER_DIR, REPO_ROOT } from './paths.js';

/** Properties of {@link BackboneLayer}. */
export interface BackboneLayerProps {
  /**
   * The folder with the built layer contents: `backbone/` (/opt/backbone), `wasm/`
   * (/opt/wasm) and `nodejs/node_modules/` with sharp.
   * @default layers/vgg16/build
   */
  readonly layerDir?: string;
}

/** The message a function raises at cold start when it was deployed without the layer. */
export const LAYER_MISSING_MESSAGE =
  'The VGG16 Lambda layer was not built before deployment, so this function has no backbone ' +
  'weights and no sharp. Run `npm run build:weights -- --keras-h5 <file>` (see docs/deploy.md), ' +
  'then `npx cdk deploy` again.';

/**
 * The Lambda layer with the VGG16 weights (uint8), the TF.js WASM binaries and sharp's
 * linux-x64 build. When the layer folder has not been built, synthesis still succeeds:
 * it adds a warning and ships a placeholder layer whose `sharp` package throws
 * {@link LAYER_MISSING_MESSAGE} on import, so the functions fail at cold start with
 * the fix in the message.
 */
export class BackboneLayer extends Construct {
  readonly layer: lambda.LayerVersion;
  /** False when the placeholder layer was used. */
  readonly built: boolean;

  constructor(scope: Construct, id: string, props: BackboneLayerProps = {}) {
    super(scope, id);
    const layerDir = props.layerDir ?? DEFAULT_LAYER_DIR;
    this.built = isNonEmptyDir(layerDir);

    if (!this.built) {
      Annotations.of(this).addWarningV2(
        'vgg-probe:layer-missing',
        `${displayPath(layerDir)} is missing or empty: deploying a placeholder layer, so the functions that ` +
          'use it (extract, backfill-batch, predict, record-failure) will fail at cold start. ' +
          'Run `npm run build:weights -- --keras-h5 <file>` ' +
          '(or `-- --seeded` for untrained weights) before `npx cdk deploy`.',
      );
    }

    this.layer = new lambda.LayerVersion(this, 'Layer', {
      code: lambda.Code.fromAsset(this.built ? layerDir : writePlaceholderLayer()),
      compatibleRuntimes: [lambda.Runtime.NODEJS_22_X],
      compatibleArchitectures: [lambda.Architecture.X86_64],
      description: this.built
        ? 'vgg-probe backbone: VGG16 uint8 weights, TF.js WASM binaries, sharp (linux-x64)'
        : 'vgg-probe placeholder: the VGG16 layer was not built',
    });
  }
}

/** Shows a path inside the repository relative to its root, and any other path as is. */
function displayPath(path: string): string {
  const inside = relative(REPO_ROOT, path);
  return inside && !inside.startsWith('..') ? inside : path;
}

function isNonEmptyDir(path: string): boolean {
  return existsSync(path) && readdirSync(path).length > 0;
}

/**
 * Writes the placeholder layer to a temporary folder. Its content is fixed, so the asset
 * hash does not change between synths.
 */
function writePlaceholderLayer(): string {
  const root = join(tmpdir(), 'vgg-probe-layer-placeholder');
  const sharpDir = join(root, 'nodejs', 'node_modules', 'sharp');
  mkdirSync(sharpDir, { recursive: true });
  writeFileSync(
    join(sharpDir, 'package.json'),
    JSON.stringify({ name: 'sharp', version: '0.0.0-missing-layer', main: 'index.js' }, null, 2) +
      '\n',
  );
  writeFileSync(
    join(sharpDir, 'index.js'),
    `throw new Error(${JSON.stringify(LAYER_MISSING_MESSAGE)});\n`,
  );
  mkdirSync(join(root, 'backbone'), { recursive: true });
  writeFileSync(join(root, 'backbone', 'LAYER-NOT-BUILT.txt'), LAYER_MISSING_MESSAGE + '\n');
  return root;
}
