import { InvalidLabelError } from './errors.js';

/** Maximum length of a label in characters. */
export const MAX_LABEL_LENGTH = 100;

/**
 * A valid label: Unicode letters, digits, `_`, `-` and `.`, starting with a letter or
 * digit. These characters need no escaping in S3 keys beyond URL encoding, and they
 * exclude `/`, whitespace, control characters and the `..` path segment.
 */
const LABEL_PATTERN = /^[\p{L}\p{N}][\p{L}\p{N}_.-]*$/u;

/** Returns the reason why `label` is not a valid label, or undefined when it is valid. */
export function labelProblem(label: string): string | undefined {
  if (label.length === 0) {
    return 'it is empty';
  }
  if (label.length > MAX_LABEL_LENGTH) {
    return `it has ${label.length} characters, more than ${MAX_LABEL_LENGTH}`;
  }
  if (label.normalize('NFC') !== label) {
    return 'it is not in Unicode normalization form NFC';
  }
  if (!LABEL_PATTERN.test(label)) {
    return 'use only letters, digits, "_", "-" and ".", starting with a letter or digit';
  }
  return undefined;
}

/** Throws {@link InvalidLabelError} unless `label` is a valid label. */
export function validateLabel(label: string): string {
  const problem = labelProblem(label);
  if (problem !== undefined) {
    const suggestion = trySanitizeLabel(label);
    const hint = suggestion
      ? `; rename the folder, for example to ${JSON.stringify(suggestion)}`
      : '';
    throw new InvalidLabelError(label, problem + hint);
  }
  return label;
}

/**
 * Turns a folder name into a valid label: NFC normalization, every run of characters
 * outside the allowed set becomes `_`, and leading or trailing `_`, `-`, `.` are removed.
 * Throws {@link InvalidLabelError} when nothing usable remains (for example `"..."`).
 */
export function sanitizeLabel(folderName: string): string {
  const label = trySanitizeLabel(folderName);
  if (label === undefined) {
    throw new InvalidLabelError(folderName, 'it contains no letter or digit; rename the folder');
  }
  return label;
}

function trySanitizeLabel(folderName: string): string | undefined {
  const label = folderName
    .normalize('NFC')
    .replace(/[^\p{L}\p{N}_.-]+/gu, '_')
    .replace(/^[_.-]+/u, '')
    .replace(/[_.-]+$/u, '')
    .slice(0, MAX_LABEL_LENGTH);
  return labelProblem(label) === undefined ? label : undefined;
}
