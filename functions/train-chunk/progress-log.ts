import type { EpochEvent } from '../../shared/linear/index.js';
import type { BucketObjects } from '../../shared/store/index.js';
import type { Candidate } from '../common/training-input.js';

/** One line of `progress.json`. */
export interface ProgressEpoch {
  readonly l2Strength: number;
  readonly epoch: number;
  readonly trainLoss: number;
  readonly validationLoss: number | null;
  readonly validationAccuracy: number | null;
  readonly learningRate: number;
  readonly seconds: number;
}

/** `training/<run>/<candidate>/progress.json`, which clients poll to show epochs live. */
export interface ProgressDocument {
  readonly candidate: Candidate;
  readonly phase: string;
  readonly done: boolean;
  readonly updatedAt: string;
  readonly epochs: readonly ProgressEpoch[];
}

/** Seconds between two saves during a chunk; the end of a chunk always saves. */
const SAVE_INTERVAL_SECONDS = 5;

/** The epoch history of one candidate across chunks, saved to S3 now and then. */
export class ProgressLog {
  private lastSave = Date.now();
  private saving: Promise<void> = Promise.resolve();

  private constructor(
    private readonly objects: BucketObjects,
    private readonly key: string,
    private readonly candidate: Candidate,
    private readonly epochs: ProgressEpoch[],
    private phase: string,
  ) {}

  static async open(
    objects: BucketObjects,
    key: string,
    candidate: Candidate,
  ): Promise<ProgressLog> {
    const existing = await objects.getJson<ProgressDocument>(key);
    return new ProgressLog(
      objects,
      key,
      candidate,
      [...(existing?.epochs ?? [])],
      existing?.phase ?? 'scan',
    );
  }

  /** The number of epochs recorded, over every chunk and L2 strength of the candidate. */
  get epochCount(): number {
    return this.epochs.length;
  }

  /** Adds an epoch and saves in the background when the last save is old enough. */
  add(event: EpochEvent): void {
    const { record } = event;
    this.epochs.push({
      l2Strength: event.l2Strength,
      epoch: record.epoch,
      trainLoss: record.trainLoss,
      validationLoss: record.validationLoss,
      validationAccuracy: record.validationAccuracy,
      learningRate: record.learningRate,
      seconds: event.seconds,
    });
    this.phase = 'train';
    if (Date.now() - this.lastSave > SAVE_INTERVAL_SECONDS * 1000) {
      this.lastSave = Date.now();
      this.saving = this.saving.then(() => this.write(false)).catch(() => undefined);
    }
  }

  /** Saves the history with the trainer's phase; waits for a background save first. */
  async save(phase: string, done: boolean): Promise<void> {
    await this.saving;
    this.phase = phase;
    await this.write(done);
  }

  private async write(done: boolean): Promise<void> {
    const document: ProgressDocument = {
      candidate: this.candidate,
      phase: this.phase,
      done,
      updatedAt: new Date().toISOString(),
      epochs: this.epochs,
    };
    await this.objects.putJson(this.key, document);
  }
}
