import { createHash } from 'node:crypto';
import { parseImageKey } from './keys.js';

/**
 * The rule that divides training images between the training and the validation split.
 *
 * - `hash`: an image is in validation when the SHA-256 of its key, read as a fraction in
 *   [0, 1), is below `validationFraction`. The split depends on the key alone, so it is
 *   the same in every run and an image never moves between splits as others are added.
 * - `folder`: the first folder below the label decides: `images/<label>/train/…` trains,
 *   `images/<label>/valid/…` (or `validation/…`) validates, other images are skipped.
 */
export type SplitMode = 'hash' | 'folder';

export type SplitName = 'train' | 'validation';

/** Returns the hash fraction of a key in [0, 1). */
export function keyHashFraction(imageKey: string): number {
  const digest = createHash('sha256').update(imageKey, 'utf8').digest();
  return digest.readUInt32BE(0) / 2 ** 32;
}

/** Returns the split of an image, or undefined when the `folder` mode skips it. */
export function splitOf(
  imageKey: string,
  mode: SplitMode,
  validationFraction: number,
): SplitName | undefined {
  if (mode === 'hash') {
    return keyHashFraction(imageKey) < validationFraction ? 'validation' : 'train';
  }
  const folder = parseImageKey(imageKey).path.split('/')[0];
  if (folder === 'train') {
    return 'train';
  }
  if (folder === 'valid' || folder === 'validation') {
    return 'validation';
  }
  return undefined;
}
