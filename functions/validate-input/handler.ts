import type { Context } from 'aws-lambda';
import { newModelVersion } from '../../shared/store/index.js';
import { createObservability, instrument } from '../common/observability.js';
import { parseTrainingInput, runIdOf, type TrainingRun } from '../common/training-input.js';

const observability = createObservability('validate-input');
const { logger } = observability;

/** The ValidateInput step's payload: the execution input and the execution name. */
export interface ValidateInputEvent {
  readonly input: unknown;
  readonly runId: string;
}

/**
 * Checks the training input, fills in defaults, and names the run and the model version
 * it will publish. With a `sweep`, the candidates are every loss x regularization pair.
 */
export const handler = instrument(
  observability,
  async (event: ValidateInputEvent, _context: Context): Promise<TrainingRun> => {
    const runId = runIdOf(event.runId);
    const { config, candidates } = parseTrainingInput(event.input);
    const version = newModelVersion(new Date(), runId);
    logger.info('training input accepted', {
      runId,
      modelVersion: version,
      config,
      candidates: candidates.map((c) => c.id),
    });
    return { runId, version, config, candidates };
  },
);
