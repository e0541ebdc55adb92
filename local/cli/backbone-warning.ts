import type { Output } from './output.js';
import type { StackTarget } from './target.js';

/**
 * Returns the warning for a local stack whose backbone is untrained, or undefined for a
 * pretrained backbone, a deployed stack, or a state file that records no backbone.
 */
export function untrainedBackboneWarning(
  target: Pick<StackTarget, 'localBackbone'>,
): string | undefined {
  const backbone = target.localBackbone;
  if (backbone?.untrained !== true) {
    return undefined;
  }
  return (
    `the local stack's backbone ${backbone.id} is untrained (random weights), so accuracy and ` +
    'predictions on this stack show only that the pipeline works. Restart `vgg-probe local` ' +
    'with --backbone and a pretrained model, or after building the VGG16 layer ' +
    '(`npm run build:weights -- --keras-h5 FILE`).'
  );
}

/**
 * Prints the untrained-backbone warning, if any, on stderr, so that `--json` output on stdout
 * stays parseable. Commands call it once, after their result.
 */
export function warnIfUntrainedBackbone(
  target: Pick<StackTarget, 'localBackbone'>,
  output: Output,
): void {
  const warning = untrainedBackboneWarning(target);
  if (warning) {
    output.warn(warning);
  }
}
