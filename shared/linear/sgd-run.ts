import { accumulateRows, finishGradient, GradientAccumulator, KernelScratch } from './batch-gradient.js';
import { createEffectiveWeights, updateEffectiveWeights, type EffectiveWeights } from './effective-weights.js';
import { tallyLoss, type LossTally } from './forward-pass.js';
import type { Hyperparameters } from './hyperparameters.js';
import { glorotUniform } from './initialization.js';
import { learningRateAt, momentumStep } from './optimizer.js';
import { Prng } from './prng.js';
import type { RowView } from './row-view.js';
import type { SampleLoss } from './softmax-loss.js';
import type { Standardization } from './standardization.js';
import type { TrainingData } from './training-data.js';

/** Losses of one epoch. Losses are mean data losses, without the L2 penalty. */
export interface EpochRecord {
  /** 0-based epoch index. */
  readonly epoch: number;
  readonly learningRate: number;
  /** Mean loss of the epoch's mini-batches, each taken before its update. */
  readonly trainLoss: number;
  /** Mean loss on the validation rows after the epoch, or null without validation data. */
  readonly validationLoss: number | null;
  /** Standard error of `validationLoss` (sample standard deviation / sqrt(n)). */
  readonly validationLossStdError: number | null;
  readonly validationAccuracy: number | null;
}

/** Reason for the end of a run. */
export type StopReason = 'max-epochs' | 'early-stopping';

/** Complete state of an SGD run, enough to continue it bit for bit. */
export interface SgdRunState {
  readonly l2Strength: number;
  /** Epochs after which the run stops at the latest. */
  readonly epochLimit: number;
  readonly epoch: number;
  readonly step: number;
  readonly bestEpoch: number;
  readonly bestValidationLoss: number | null;
  readonly epochsWithoutImprovement: number;
  readonly stopReason: StopReason | null;
  readonly history: readonly EpochRecord[];
  readonly weights: Float32Array;
  readonly bias: Float32Array;
  readonly velocityWeights: Float32Array;
  readonly velocityBias: Float32Array;
  readonly bestWeights: Float32Array;
  readonly bestBias: Float32Array;
  readonly prngState: Uint32Array;
}

/** Settings that stay fixed during a run. */
export interface SgdContext {
  readonly hyperparameters: Hyperparameters;
  readonly data: TrainingData;
  readonly standardization: Standardization;
  readonly loss: SampleLoss;
}

/**
 * One mini-batch SGD run with a fixed L2 strength: Glorot initialization, a seeded shuffle
 * per epoch, momentum, the learning-rate schedule and early stopping on validation loss.
 */
export class SgdRun {
  readonly numClasses: number;
  readonly dim: number;
  private state: RunState;
  private readonly prng: Prng;
  private readonly effective: EffectiveWeights;
  private readonly acc: GradientAccumulator;
  private readonly scratch: KernelScratch;
  private readonly gradWeights: Float64Array;
  private readonly gradBias: Float64Array;

  private constructor(state: SgdRunState) {
    this.numClasses = state.bias.length;
    this.dim = state.weights.length / state.bias.length;
    this.state = { ...state, history: [...state.history] };
    this.prng = Prng.fromState(state.prngState);
    this.effective = createEffectiveWeights(this.numClasses, this.dim, true);
    this.acc = new GradientAccumulator(this.numClasses, this.dim);
    this.scratch = new KernelScratch(this.numClasses, this.dim);
    this.gradWeights = new Float64Array(this.numClasses * this.dim);
    this.gradBias = new Float64Array(this.numClasses);
  }

  /** Starts a run: Glorot-uniform weights (times `h.initGain`) and zero biases from `Prng(h.seed)`. */
  static start(numClasses: number, dim: number, l2Strength: number, h: Hyperparameters, epochLimit: number): SgdRun {
    const prng = new Prng(h.seed);
    const weights = glorotUniform(dim, numClasses, prng, h.initGain);
    return new SgdRun({
      l2Strength,
      epochLimit,
      epoch: 0,
      step: 0,
      bestEpoch: -1,
      bestValidationLoss: null,
      epochsWithoutImprovement: 0,
      stopReason: null,
      history: [],
      weights,
      bias: new Float32Array(numClasses),
      velocityWeights: new Float32Array(weights.length),
      velocityBias: new Float32Array(numClasses),
      bestWeights: weights.slice(),
      bestBias: new Float32Array(numClasses),
      prngState: prng.saveState(),
    });
  }

  /** Continues a run from {@link SgdRun.saveState} output. */
  static restore(state: SgdRunState): SgdRun {
    return new SgdRun({
      ...state,
      weights: state.weights.slice(),
      bias: state.bias.slice(),
      velocityWeights: state.velocityWeights.slice(),
      velocityBias: state.velocityBias.slice(),
      bestWeights: state.bestWeights.slice(),
      bestBias: state.bestBias.slice(),
    });
  }

  /** Copies the state. */
  saveState(): SgdRunState {
    return {
      ...this.state,
      history: [...this.state.history],
      weights: this.state.weights.slice(),
      bias: this.state.bias.slice(),
      velocityWeights: this.state.velocityWeights.slice(),
      velocityBias: this.state.velocityBias.slice(),
      bestWeights: this.state.bestWeights.slice(),
      bestBias: this.state.bestBias.slice(),
      prngState: this.prng.saveState(),
    };
  }

  get l2Strength(): number {
    return this.state.l2Strength;
  }

  get finished(): boolean {
    return this.state.stopReason !== null;
  }

  get history(): readonly EpochRecord[] {
    return this.state.history;
  }

  get bestEpoch(): number {
    return this.state.bestEpoch;
  }

  get bestValidationLoss(): number | null {
    return this.state.bestValidationLoss;
  }

  get stopReason(): StopReason | null {
    return this.state.stopReason;
  }

  /** The weights with the lowest validation loss, or the last weights without validation data. */
  get result(): { readonly weights: Float32Array; readonly bias: Float32Array } {
    return { weights: this.state.bestWeights, bias: this.state.bestBias };
  }

  /** Trains one epoch, then scores the validation rows and updates early stopping. */
  async runEpoch(context: SgdContext): Promise<EpochRecord> {
    const h = context.hyperparameters;
    const state = this.state;
    const learningRate = learningRateAt(h, state.epoch);
    const shuffleSeed = this.prng.nextUint32();
    let lossSum = 0;
    let rowCount = 0;

    const step = (): void => {
      lossSum += this.acc.lossSum;
      rowCount += this.acc.rowCount;
      this.applyStep(context, learningRate);
    };

    this.acc.reset();
    updateEffectiveWeights(state.weights, state.bias, context.standardization, this.effective);
    for await (const view of context.data.trainViews(shuffleSeed)) {
      let position = 0;
      while (position < view.rows.length) {
        const take = Math.min(h.batchSize - this.acc.rowCount, view.rows.length - position);
        accumulateRows(view, position, position + take, this.effective, context.loss, this.acc, this.scratch);
        position += take;
        if (this.acc.rowCount === h.batchSize) {
          step();
        }
      }
    }
    if (this.acc.rowCount > 0) {
      step();
    }

    const validation = await this.validate(context);
    const record: EpochRecord = {
      epoch: state.epoch,
      learningRate,
      trainLoss: rowCount > 0 ? lossSum / rowCount : Number.NaN,
      validationLoss: validation ? validation.lossSum / validation.rowCount : null,
      validationLossStdError: validation ? standardError(validation) : null,
      validationAccuracy: validation ? validation.correct / validation.rowCount : null,
    };
    state.history.push(record);
    state.epoch++;
    this.updateEarlyStopping(record, h);
    return record;
  }

  private applyStep(context: SgdContext, learningRate: number): void {
    const h = context.hyperparameters;
    const state = this.state;
    finishGradient(this.acc, state.weights, context.standardization, state.l2Strength, this.gradWeights, this.gradBias);
    momentumStep(state.weights, state.velocityWeights, this.gradWeights, learningRate, h.momentum, h.nesterov);
    momentumStep(state.bias, state.velocityBias, this.gradBias, learningRate, h.momentum, h.nesterov);
    state.step++;
    this.acc.reset();
    updateEffectiveWeights(state.weights, state.bias, context.standardization, this.effective);
  }

  private async validate(context: SgdContext): Promise<LossTally | null> {
    if (!context.data.hasValidation) {
      return null;
    }
    const tally: LossTally = { lossSum: 0, lossSquares: 0, correct: 0, rowCount: 0 };
    for await (const view of context.data.validationViews()) {
      validateView(view, this.effective, context.loss, tally);
    }
    return tally.rowCount > 0 ? tally : null;
  }

  private updateEarlyStopping(record: EpochRecord, h: Hyperparameters): void {
    const state = this.state;
    const loss = record.validationLoss;

    if (loss === null) {
      state.bestEpoch = record.epoch;
      state.bestWeights.set(state.weights);
      state.bestBias.set(state.bias);
    } else if (state.bestValidationLoss === null || loss < state.bestValidationLoss) {
      state.bestValidationLoss = loss;
      state.bestEpoch = record.epoch;
      state.epochsWithoutImprovement = 0;
      state.bestWeights.set(state.weights);
      state.bestBias.set(state.bias);
    } else {
      state.epochsWithoutImprovement++;
      if (state.epochsWithoutImprovement >= h.earlyStoppingPatience) {
        state.stopReason = 'early-stopping';
      }
    }

    if (state.stopReason === null && state.epoch >= state.epochLimit) {
      state.stopReason = 'max-epochs';
    }
  }
}

function standardError(tally: LossTally): number {
  const n = tally.rowCount;
  if (n < 2) {
    return 0;
  }
  const mean = tally.lossSum / n;
  const variance = Math.max(0, (tally.lossSquares - n * mean * mean) / (n - 1));
  return Math.sqrt(variance / n);
}

function validateView(view: RowView, effective: EffectiveWeights, loss: SampleLoss, tally: LossTally): void {
  const chunkRows = 4096;
  for (let start = 0; start < view.rows.length; start += chunkRows) {
    tallyLoss(view, start, Math.min(view.rows.length, start + chunkRows), effective, loss, tally);
  }
}

type RunState = { -readonly [K in keyof SgdRunState]: SgdRunState[K] } & { history: EpochRecord[] };
