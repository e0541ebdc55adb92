import { decodeCheckpoint, encodeCheckpoint } from './checkpoint.js';
import { scanData } from './data-scan.js';
import { InMemoryFeatureSource } from './dataset.js';
import { LinearProbeError } from './errors.js';
import { scoreViews } from './evaluate.js';
import { resolveHyperparameters, type TrainingProps } from './hyperparameters.js';
import { createSampleLoss, type LossConfig } from './loss.js';
import { computeEvaluation } from './metrics.js';
import { scoringWeights, type BackboneInfo, type L2SearchResult, type LinearModel } from './model.js';
import { SgdRun, type EpochRecord } from './sgd-run.js';
import { chooseCandidate } from './candidate-choice.js';
import { chooseThresholds } from './thresholds.js';
import type { FinishedRun, TrainerConfig, TrainerPhase, TrainerState } from './trainer-state.js';
import { TrainingData } from './training-data.js';
import type { FeatureSource } from './types.js';

/** Hyperparameters, class names and backbone of a run. */
export interface LinearProbeTrainerProps extends TrainingProps {
  /** Class names, sorted by UTF-16 code units (see sortLabels); batch labels index them. */
  readonly labels: readonly string[];
  /** Stored with the model so that loading can check it. @default null */
  readonly backbone?: BackboneInfo;
}

/** Sources of the training and validation samples. */
export interface TrainingSources {
  readonly train: FeatureSource;
  /** Validation samples; without them part of `train` is held out (`validationFraction`). */
  readonly validation?: FeatureSource;
}

/** Limits of one {@link LinearProbeTrainer.run} call. */
export interface RunOptions {
  /** Maximum number of training epochs in this call. @default no limit */
  readonly epochs?: number;
  /**
   * Time (as Date.now()) by which the call should return. An epoch starts only when the
   * longest epoch (or data pass) so far still fits; leave a margin to save the checkpoint.
   * @default no deadline
   */
  readonly deadline?: number;
  /** Called after every epoch. */
  readonly onEpoch?: (event: EpochEvent) => void;
}

/** Progress report after one epoch. */
export interface EpochEvent {
  /** 'train' for the runs that choose lambda, 'refit' for the final run on every sample. */
  readonly phase: 'train' | 'refit';
  readonly l2Strength: number;
  /** Index of the L2 strength among `candidateCount` tried. */
  readonly candidate: number;
  readonly candidateCount: number;
  readonly record: EpochRecord;
  /** Wall-clock seconds of the epoch, validation included. */
  readonly seconds: number;
}

/** Outcome of one {@link LinearProbeTrainer.run} call. */
export interface RunStatus {
  readonly phase: TrainerPhase;
  readonly done: boolean;
  readonly epochsRun: number;
  readonly stoppedBy: 'finished' | 'epoch-limit' | 'deadline';
}

/**
 * Resumable training of a linear probe. One pass checks the data and computes the
 * standardization. Then one SGD run per L2 candidate (or a single run when `l2Strength`
 * is set) trains, and the one-standard-error rule picks one of them. When part of
 * the training source was held out, the chosen lambda is then trained once more on every
 * sample (`refit`). A last pass computes the validation metrics and per-class thresholds
 * with the chosen weights. `run()` may stop between epochs, and
 * `checkpoint()` / `resume()` continue the work in another process with bit-identical
 * results, provided the sources return the same chunks for the same shuffle seed.
 */
export class LinearProbeTrainer {
  private readonly config: TrainerConfig;
  private readonly state: TrainerState;
  private readonly sources: TrainingSources;
  private readonly lossConfig: LossConfig;
  private run_: SgdRun | null;
  private data: TrainingData | null = null;

  constructor(props: LinearProbeTrainerProps, sources: TrainingSources) {
    const config = createConfig(props, sources);
    const h = config.hyperparameters;
    this.config = config;
    this.sources = sources;
    this.lossConfig = lossConfigOf(config);
    this.state = {
      phase: 'scan',
      scan: null,
      candidates: h.l2Strength !== null ? [h.l2Strength] : [...h.l2Candidates],
      candidateIndex: 0,
      finished: [],
      chosenIndex: null,
      refitted: null,
      run: null,
      validation: null,
      thresholds: null,
      seconds: 0,
      epochSeconds: 0,
    };
    this.run_ = null;
  }

  /** Continues a trainer from {@link LinearProbeTrainer.checkpoint} bytes with the same sources. */
  static resume(bytes: Uint8Array, sources: TrainingSources): LinearProbeTrainer {
    const { config, state } = decodeCheckpoint(bytes);
    if (sources.train.dim !== config.dim) {
      throw new LinearProbeError(
        'CHECKPOINT_MISMATCH',
        `The checkpoint was made with ${config.dim}-dimensional features but the training source has ` +
          `${sources.train.dim}. Resume with the sources of the original run.`,
        { dim: sources.train.dim, expected: config.dim },
      );
    }
    const trainer = Object.create(LinearProbeTrainer.prototype) as LinearProbeTrainer;
    Object.assign(trainer, {
      config,
      state,
      sources,
      lossConfig: lossConfigOf(config),
      run_: state.run === null ? null : SgdRun.restore(state.run),
      data: null,
    });
    return trainer;
  }

  get phase(): TrainerPhase {
    return this.state.phase;
  }

  get done(): boolean {
    return this.state.phase === 'done';
  }

  /** Saves the complete state; valid between run() calls. */
  checkpoint(): Uint8Array {
    return encodeCheckpoint(this.config, { ...this.state, run: this.run_?.saveState() ?? null });
  }

  /** Works until training is finished or a limit in `options` is reached. */
  async run(options: RunOptions = {}): Promise<RunStatus> {
    const started = performance.now();
    let epochsRun = 0;
    let stoppedBy: RunStatus['stoppedBy'] = 'finished';

    try {
      while (this.state.phase !== 'done') {
        const training = this.state.phase === 'train' || this.state.phase === 'refit';
        if (training && options.epochs !== undefined && epochsRun >= options.epochs) {
          stoppedBy = 'epoch-limit';
          break;
        }
        if (options.deadline !== undefined && Date.now() + this.state.epochSeconds * 1000 > options.deadline) {
          stoppedBy = 'deadline';
          break;
        }

        const phaseStarted = performance.now();
        if (this.state.phase === 'scan') {
          await this.scan();
        } else if (training) {
          await this.trainEpoch(options.onEpoch);
          epochsRun++;
        } else {
          await this.evaluate();
        }
        this.state.epochSeconds = Math.max(this.state.epochSeconds, (performance.now() - phaseStarted) / 1000);
      }
    } finally {
      this.state.seconds += (performance.now() - started) / 1000;
    }

    return { phase: this.state.phase, done: this.done, epochsRun, stoppedBy };
  }

  /** Returns the trained model; raises INVALID_STATE before training is done. */
  model(): LinearModel {
    if (!this.done) {
      throw new LinearProbeError(
        'INVALID_STATE',
        `Training is not finished (phase '${this.state.phase}'); call run() until it returns done: true.`,
        { phase: this.state.phase },
      );
    }
    return this.buildModel(this.state.refitted ?? this.chosen());
  }

  private async scan(): Promise<void> {
    const scan = await scanData(this.sources.train, this.sources.validation, this.config.labels, this.config.hyperparameters);
    this.state.scan = scan;
    this.state.phase = 'train';
  }

  private trainingData(): TrainingData {
    if (this.data === null) {
      const holdout = this.state.scan?.holdout ?? null;
      this.data = new TrainingData(this.sources.train, this.sources.validation, this.config.labels, holdout);
    }
    return this.data;
  }

  private async trainEpoch(onEpoch: RunOptions['onEpoch']): Promise<void> {
    const state = this.state;
    const h = this.config.hyperparameters;
    const refit = state.phase === 'refit';
    const started = performance.now();

    if (this.run_ === null) {
      this.run_ = refit ? this.startRefit() : this.startCandidate();
    }
    const run = this.run_;
    const data = refit ? new TrainingData(this.sources.train, undefined, this.config.labels, null) : this.trainingData();
    const record = await run.runEpoch({
      hyperparameters: h,
      data,
      standardization: this.standardization(),
      loss: createSampleLoss(this.lossConfig),
    });
    onEpoch?.({
      phase: refit ? 'refit' : 'train',
      l2Strength: run.l2Strength,
      candidate: state.candidateIndex,
      candidateCount: state.candidates.length,
      record,
      seconds: (performance.now() - started) / 1000,
    });

    if (run.finished && refit) {
      state.refitted = snapshotRun(run);
      this.run_ = null;
      state.phase = 'evaluate';
    } else if (run.finished) {
      this.finishCandidate(run);
    }
  }

  private startCandidate(): SgdRun {
    const h = this.config.hyperparameters;
    const l2Strength = this.state.candidates[this.state.candidateIndex];
    return SgdRun.start(this.config.labels.length, this.config.dim, l2Strength, h, h.maxEpochs);
  }

  /** Starts the final run on every sample, as long as the epochs kept by the chosen run. */
  private startRefit(): SgdRun {
    const chosen = this.chosen();
    const epochs = chosen.bestEpoch + 1;
    return SgdRun.start(this.config.labels.length, this.config.dim, chosen.l2Strength, this.config.hyperparameters, epochs);
  }

  private finishCandidate(run: SgdRun): void {
    const state = this.state;
    state.finished.push(snapshotRun(run));
    this.run_ = null;
    state.candidateIndex++;

    if (state.candidateIndex >= state.candidates.length) {
      state.chosenIndex = chooseCandidate(state.finished);
      const holdout = state.scan?.holdout ?? null;
      state.phase = this.config.hyperparameters.refit && holdout !== null ? 'refit' : 'evaluate';
    }
  }

  private async evaluate(): Promise<void> {
    const data = this.trainingData();
    const numClasses = this.config.labels.length;

    if (data.hasValidation) {
      const model = this.buildModel(this.chosen());
      const scored = await scoreViews(data.validationViews(), scoringWeights(model), this.lossConfig);
      this.state.validation = computeEvaluation(scored, this.config.labels, {}, scored.meanLoss);
      this.state.thresholds = chooseThresholds(scored, numClasses);
    } else {
      this.state.thresholds = new Array<number>(numClasses).fill(0);
    }
    this.state.phase = 'done';
  }

  private standardization() {
    const scan = this.state.scan;
    if (scan === null) {
      throw new LinearProbeError('INVALID_STATE', 'The data has not been scanned yet; call run() first.');
    }
    return scan.standardization;
  }

  private chosen(): FinishedRun {
    const index = this.state.chosenIndex;
    if (index === null) {
      throw new LinearProbeError('INVALID_STATE', 'No training run has finished yet; call run() until it returns done: true.');
    }
    return this.state.finished[index];
  }

  /** Builds the model with the weights of `final` and the search results of the chosen run. */
  private buildModel(final: FinishedRun): LinearModel {
    const { labels, dim, hyperparameters, backbone } = this.config;
    const chosen = this.chosen();
    const scan = this.state.scan;
    if (scan === null) {
      throw new LinearProbeError('INVALID_STATE', 'The data has not been scanned yet; call run() first.');
    }
    const perClass = (counts: readonly number[]) => Object.fromEntries(labels.map((label, k) => [label, counts[k]]));

    return {
      labels,
      dim,
      mean: Float32Array.from(scan.standardization.mean),
      scale: Float32Array.from(scan.standardization.scale),
      weights: final.weights.slice(),
      bias: final.bias.slice(),
      thresholds: this.state.thresholds ?? new Array<number>(labels.length).fill(0),
      loss: this.lossConfig,
      hyperparameters,
      backbone,
      validation: this.state.validation,
      training: {
        seconds: this.state.seconds,
        epochs: chosen.history.length,
        bestEpoch: chosen.bestEpoch,
        stopReason: chosen.stopReason,
        l2Strength: chosen.l2Strength,
        l2Search: this.state.finished.map(searchResult),
        history: chosen.history,
        refitEpochs: this.state.refitted?.history.length ?? null,
        trainSamplesPerClass: perClass(this.state.refitted ? scan.sourceCounts : scan.trainCounts),
        validationSamplesPerClass: perClass(scan.validationCounts),
      },
    };
  }
}

function searchResult(run: FinishedRun): L2SearchResult {
  return {
    l2Strength: run.l2Strength,
    bestValidationLoss: run.bestValidationLoss,
    bestValidationLossStdError: run.bestValidationLossStdError,
    bestValidationAccuracy: run.history[run.bestEpoch]?.validationAccuracy ?? null,
    bestEpoch: run.bestEpoch,
    epochs: run.history.length,
  };
}

function snapshotRun(run: SgdRun): FinishedRun {
  return {
    l2Strength: run.l2Strength,
    weights: run.result.weights.slice(),
    bias: run.result.bias.slice(),
    history: [...run.history],
    bestEpoch: run.bestEpoch,
    bestValidationLoss: run.bestValidationLoss,
    bestValidationLossStdError: run.history[run.bestEpoch]?.validationLossStdError ?? null,
    stopReason: run.stopReason,
  };
}

function lossConfigOf(config: TrainerConfig): LossConfig {
  const h = config.hyperparameters;
  return { type: h.loss, margin: h.svmMargin, squaredHinge: h.squaredHinge };
}

function createConfig(props: LinearProbeTrainerProps, sources: TrainingSources): TrainerConfig {
  const labels = [...(props.labels ?? [])];
  checkLabels(labels);

  const { train, validation } = sources;
  if (train instanceof InMemoryFeatureSource && train.rowCount === 0) {
    throw new LinearProbeError(
      'EMPTY_TRAINING_SET',
      'The training data has no samples. Upload labelled images (images/<label>/<file>) and extract their features first.',
    );
  }
  if (!(Number.isInteger(train.dim) && train.dim > 0)) {
    throw new LinearProbeError(
      'DIMENSION_MISMATCH',
      `The training source has feature dimension ${train.dim}; it must be a positive integer.`,
      { dim: train.dim },
    );
  }
  if (validation !== undefined && validation.dim !== train.dim) {
    throw new LinearProbeError(
      'DIMENSION_MISMATCH',
      `The validation source has ${validation.dim}-dimensional features but the training source has ${train.dim}. ` +
        'Extract both with the same backbone and feature layer.',
      { dim: validation.dim, expected: train.dim },
    );
  }

  return {
    labels,
    dim: train.dim,
    hyperparameters: resolveHyperparameters(props, train.dim, validation !== undefined),
    backbone: props.backbone ?? null,
  };
}

function checkLabels(labels: string[]): void {
  if (labels.length < 2) {
    throw new LinearProbeError(
      'SINGLE_CLASS',
      `The run has ${labels.length} class${labels.length === 1 ? ` ('${labels[0]}')` : 'es'}; ` +
        'a classifier needs at least 2. Add images of another class.',
      { labels },
    );
  }
  labels.forEach((label, i) => {
    if (typeof label !== 'string' || label.length === 0) {
      throw new LinearProbeError('INVALID_LABELS', `Class name ${i} is ${JSON.stringify(label)}; use a non-empty string.`, {
        index: i,
      });
    }
    if (i > 0 && !(labels[i - 1] < label)) {
      throw new LinearProbeError(
        'INVALID_LABELS',
        `Class names must be distinct and sorted, but '${labels[i - 1]}' comes before '${label}'. ` +
          'Pass them through sortLabels() and map the label indices to that order.',
        { index: i },
      );
    }
  });
}
