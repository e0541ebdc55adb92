import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import {
  BACKBONE_MANIFEST_FILE,
  type ResolvedBackbone,
  resolveBackbone,
} from '../../shared/backbone/backbone-manifest.js';
import { ModelFormatError } from '../../shared/backbone/layers-model-json.js';
import {
  buildSeededVgg16Backbone,
  seededVgg16Id,
} from '../../shared/backbone/vgg16-backbone-writer.js';
import { CliError } from '../cli/errors.js';
import { checkBackboneFiles } from './backbone-check.js';

/** The backbone the local stack runs with, and where it came from. */
export interface BackboneChoice {
  /** The folder that `VGG_PROBE_BACKBONE_DIR` points at. */
  readonly dir: string;
  readonly id: string;
  readonly featureLayer: string;
  /** True for seeded random weights. */
  readonly untrained: boolean;
  /** `option`: given by the user; `layer`: the built Lambda layer; `seeded`: built here. */
  readonly source: 'option' | 'layer' | 'seeded';
  /** True when the seeded weights were built by this call. */
  readonly builtNow: boolean;
  /** Manifest fields inferred from a bare model folder, in words. */
  readonly inferred: readonly string[];
}

/** Options for {@link chooseBackbone}. */
export interface BackboneChoiceOptions {
  /** A backbone folder, `backbone.json` or TF.js `model.json` given by the user. */
  readonly backbone?: string;
  /**
   * The layer the stack will extract features from, checked against the model.
   * @default the backbone's feature layer
   */
  readonly featureLayer?: string;
  readonly repoRoot: string;
  /** Folder in which seeded backbones are built and kept. */
  readonly cacheDir: string;
  /**
   * Width divisor of the seeded VGG16 (1 is full size). At 4 it has 1/16 of VGG16's
   * multiply-adds and its `fc2` features have 1,024 values.
   * @default 4
   */
  readonly seededWidthDivisor?: number;
  /** @default 1 */
  readonly seed?: number;
  /**
   * Whether a layer built with seeded (untrained) weights is used. Without it, a small
   * seeded VGG16 is used instead, which gives the same kind of features much faster.
   * @default true
   */
  readonly acceptUntrainedLayer?: boolean;
}

/**
 * Picks the backbone: the one the user names, else the built Lambda layer
 * (`layers/vgg16/build/backbone`, unless it is untrained and `acceptUntrainedLayer` is
 * false), else a small seeded VGG16 with random weights, built once and cached. Seeded
 * weights are untrained: their features carry no ImageNet knowledge, so accuracy on real
 * photos is far below what a pretrained backbone gives. Raises {@link CliError} when the
 * chosen backbone's files are unusable (see `backbone-check.ts`).
 */
export async function chooseBackbone(options: BackboneChoiceOptions): Promise<BackboneChoice> {
  try {
    return await pickBackbone(options);
  } catch (error) {
    if (error instanceof ModelFormatError) {
      // JSON parse errors quote the file's text, which may span lines.
      throw new CliError(
        error.message.replace(/\s+/g, ' '),
        'Pass --backbone a folder with backbone.json, model.json and its weight shards, or a ' +
          'TF.js layers model.json (layers/vgg16/README.md describes the files).',
      );
    }
    throw error;
  }
}

async function pickBackbone(options: BackboneChoiceOptions): Promise<BackboneChoice> {
  if (options.backbone) {
    const dir = await backboneFolder(resolve(options.backbone));
    const resolved = await checked(await resolveBackbone(dir), options);
    return {
      dir,
      id: resolved.manifest.id,
      featureLayer: resolved.manifest.featureLayer,
      untrained: resolved.manifest.untrained,
      source: 'option',
      builtNow: false,
      inferred: resolved.inferred,
    };
  }

  const layerDir = join(options.repoRoot, 'layers', 'vgg16', 'build', 'backbone');
  const layer = existsSync(join(layerDir, BACKBONE_MANIFEST_FILE))
    ? await checked(await resolveBackbone(layerDir), options)
    : undefined;
  if (layer && (!layer.manifest.untrained || options.acceptUntrainedLayer !== false)) {
    const resolved = layer;
    return {
      dir: layerDir,
      id: resolved.manifest.id,
      featureLayer: resolved.manifest.featureLayer,
      untrained: resolved.manifest.untrained,
      source: 'layer',
      builtNow: false,
      inferred: [],
    };
  }

  const widthDivisor = options.seededWidthDivisor ?? 4;
  const seed = options.seed ?? 1;
  const id = seededVgg16Id(widthDivisor, seed);
  const dir = join(options.cacheDir, id);
  const builtNow = !existsSync(join(dir, BACKBONE_MANIFEST_FILE));
  if (builtNow) {
    await buildSeededVgg16Backbone({ backboneDir: dir, widthDivisor, seed });
  }
  const resolved = await checked(await resolveBackbone(dir), options);
  return {
    dir,
    id,
    featureLayer: resolved.manifest.featureLayer,
    untrained: true,
    source: 'seeded',
    builtNow,
    inferred: [],
  };
}

async function checked(
  backbone: ResolvedBackbone,
  options: BackboneChoiceOptions,
): Promise<ResolvedBackbone> {
  await checkBackboneFiles(backbone, options.featureLayer);
  return backbone;
}

/** Returns the folder for a backbone path: the path itself, or the folder of its JSON file. */
async function backboneFolder(path: string): Promise<string> {
  const info = await stat(path).catch(() => undefined);
  if (info?.isFile() && [BACKBONE_MANIFEST_FILE, 'model.json'].includes(basename(path))) {
    return dirname(path);
  }
  return path;
}
