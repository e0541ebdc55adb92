import { resolveBackbone } from '../../shared/backbone/backbone-manifest.js';

/** The backbone that a running local stack extracts features with, as its state file records it. */
export interface StackBackbone {
  readonly id: string;
  /** The layer whose output is the feature vector. */
  readonly featureLayer: string;
  /** True for seeded random weights, whose features carry no ImageNet knowledge. */
  readonly untrained: boolean;
  /** The folder that the handlers load the backbone from. */
  readonly dir: string;
}

/**
 * Reads the manifest of the backbone in `dir`, or infers it for a bare TF.js model, as the
 * handlers do when they load it. `featureLayer` overrides the manifest's feature layer.
 * Raises `ModelFormatError` when the folder contains no usable manifest or model.
 */
export async function readStackBackbone(dir: string, featureLayer?: string): Promise<StackBackbone> {
  const { manifest } = await resolveBackbone(dir);
  return {
    id: manifest.id,
    featureLayer: featureLayer ?? manifest.featureLayer,
    untrained: manifest.untrained,
    dir,
  };
}
