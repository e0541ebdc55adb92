import type { LinearModel } from './model.js';
import { LinearProbeTrainer, type LinearProbeTrainerProps, type RunOptions, type TrainingSources } from './trainer.js';

/** Trains a linear probe to the end in this process and returns the model. */
export async function trainLinearProbe(
  props: LinearProbeTrainerProps,
  sources: TrainingSources,
  options: Pick<RunOptions, 'onEpoch'> = {},
): Promise<LinearModel> {
  const trainer = new LinearProbeTrainer(props, sources);
  await trainer.run(options);
  return trainer.model();
}
