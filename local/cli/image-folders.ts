import { open, readdir, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { type ImageFormat, sniffImageFormat } from '../../shared/image/image-format.js';
import { labelProblem } from '../../shared/store/labels.js';
import { CliError } from './errors.js';

/** An image file in a labelled folder. */
export interface LabelledImage {
  readonly label: string;
  readonly file: string;
  /** The path below the label folder, with `/` separators. */
  readonly relativePath: string;
  readonly format: ImageFormat;
  readonly size: number;
  /** `train` or `valid` in the split layout. */
  readonly split?: 'train' | 'valid';
}

/** A file that was left out, with the reason. */
export interface SkippedFile {
  readonly file: string;
  readonly reason: string;
}

/** The images of a labelled folder and the files left out. */
export interface LabelledFolder {
  /** `labels`: one subfolder per label. `splits`: `train/` and `valid/`, each with one per label. */
  readonly layout: 'labels' | 'splits';
  readonly labels: readonly string[];
  readonly images: readonly LabelledImage[];
  readonly skipped: readonly SkippedFile[];
}

const CONTENT_TYPES: Record<ImageFormat, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
};

/** Returns the Content-Type of an image format. */
export function contentTypeOf(format: ImageFormat): string {
  return CONTENT_TYPES[format];
}

const SPLIT_FOLDERS = { train: ['train'], valid: ['valid', 'validation', 'val'] } as const;

/**
 * Reads a labelled folder: either one subfolder per label, or `train/` and `valid/`
 * (also `validation/` or `val/`) each with one subfolder per label. Files are recognized
 * as images by their signature, so a misnamed file is neither uploaded nor silently lost:
 * it is listed in `skipped`. Hidden files are ignored.
 */
export async function readLabelledFolder(dir: string): Promise<LabelledFolder> {
  const entries = await readFolder(dir);
  const folders = entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  const trainFolder = folders.find((name) =>
    (SPLIT_FOLDERS.train as readonly string[]).includes(name),
  );
  const validFolder = folders.find((name) =>
    (SPLIT_FOLDERS.valid as readonly string[]).includes(name),
  );

  const images: LabelledImage[] = [];
  const skipped: SkippedFile[] = [];
  const layout = trainFolder && validFolder ? 'splits' : 'labels';

  if (layout === 'splits') {
    await readLabelFolders(join(dir, trainFolder!), 'train', images, skipped);
    await readLabelFolders(join(dir, validFolder!), 'valid', images, skipped);
  } else {
    await readLabelFolders(dir, undefined, images, skipped);
  }

  const labels = [...new Set(images.map((image) => image.label))].sort();
  if (images.length === 0) {
    const notImages = skipped.length > 0 ? ` (${skipped.length} files that are not images)` : '';
    throw new CliError(
      `no images found in ${dir}${notImages}`,
      'Put the images in one subfolder per label (for example cats/ and dogs/), ' +
        'or in train/ and valid/ with one subfolder per label in each.',
    );
  }
  return { layout, labels, images, skipped };
}

/**
 * Describes how the label sets of `train/` and `valid/` differ in the split layout, or
 * returns undefined when they match or the folder has one subfolder per label.
 */
export function splitLabelDifference(folder: LabelledFolder): string | undefined {
  const labelsOf = (split: LabelledImage['split']) =>
    new Set(folder.images.filter((image) => image.split === split).map((image) => image.label));
  const train = labelsOf('train');
  const valid = labelsOf('valid');
  const onlyTrain = [...train].filter((label) => !valid.has(label));
  const onlyValid = [...valid].filter((label) => !train.has(label));
  if (folder.layout !== 'splits' || (onlyTrain.length === 0 && onlyValid.length === 0)) {
    return undefined;
  }
  const parts = [
    ...(onlyTrain.length > 0 ? [`only in train/: ${onlyTrain.join(', ')}`] : []),
    ...(onlyValid.length > 0 ? [`only in valid/: ${onlyValid.join(', ')}`] : []),
  ];
  return `the labels of train/ and valid/ differ (${parts.join('; ')})`;
}

async function readLabelFolders(
  dir: string,
  split: LabelledImage['split'],
  images: LabelledImage[],
  skipped: SkippedFile[],
): Promise<void> {
  for (const entry of await readFolder(dir)) {
    const path = join(dir, entry.name);
    if (entry.name.startsWith('.')) {
      continue;
    }
    if (!entry.isDirectory()) {
      skipped.push({ file: path, reason: 'not inside a label folder' });
      continue;
    }

    const problem = labelProblem(entry.name);
    if (problem) {
      throw new CliError(
        `folder name ${JSON.stringify(entry.name)} in ${dir} is not a valid label: ${problem}`,
        'Rename the folder; labels become S3 key segments and model class names.',
      );
    }
    for (const file of await listFiles(path)) {
      const relativePath = relative(path, file).split(sep).join('/');
      const { format, size } = await sniffFile(file);
      if (!format) {
        skipped.push({ file, reason: 'not a JPEG, PNG, WebP or GIF image' });
        continue;
      }
      images.push({ label: entry.name, file, relativePath, format, size, split });
    }
  }
}

async function readFolder(dir: string) {
  try {
    return (await readdir(dir, { withFileTypes: true })).sort((a, b) =>
      a.name.localeCompare(b.name),
    );
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new CliError(
        // The absolute path shows where a relative one led, for example under `npm run`,
        // which runs the CLI in the repository root.
        code === 'ENOENT' ? `folder ${resolve(dir)} not found` : `${dir} is not a folder`,
        'Pass a folder with one subfolder per label.',
      );
    }
    throw error;
  }
}

/** Lists the files below a folder, skipping hidden files and folders. */
async function listFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readFolder(dir)) {
    if (entry.name.startsWith('.')) {
      continue;
    }
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      files.push(...(await listFiles(path)));
    } else if (entry.isFile()) {
      files.push(path);
    }
  }
  return files;
}

async function sniffFile(file: string): Promise<{ format?: ImageFormat; size: number }> {
  const handle = await open(file, 'r');
  try {
    const header = Buffer.alloc(16);
    const { bytesRead } = await handle.read(header, 0, header.length, 0);
    const { size } = await stat(file);
    return { format: sniffImageFormat(header.subarray(0, bytesRead)), size };
  } finally {
    await handle.close();
  }
}
