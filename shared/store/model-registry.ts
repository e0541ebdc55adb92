import type { S3Client } from '@aws-sdk/client-s3';
import { CorruptObjectError, ModelNotFoundError } from './errors.js';
import { checkSegment, CURRENT_MODEL_KEY, MODELS_PREFIX, modelKey } from './keys.js';
import { BucketObjects } from './objects.js';

/** The content of `models/current.json`. */
export interface CurrentModelPointer {
  readonly version: string;
  /** ISO 8601 time the pointer moved. */
  readonly updatedAt: string;
  /** The version the pointer left, for a quick rollback; absent on the first publish. */
  readonly previousVersion?: string;
}

/**
 * The content of `models/<version>/metrics.json`. The registry reads the fields below;
 * the training steps add more (per-class metrics, confusion matrix, candidates).
 */
export interface ModelMetricsDocument {
  readonly version: string;
  readonly createdAt: string;
  readonly loss: string;
  readonly labels: readonly string[];
  readonly backboneId: string;
  readonly featureLayer: string;
  readonly validation: {
    readonly accuracy: number;
    readonly loss?: number;
    readonly macroF1?: number;
  };
  readonly [field: string]: unknown;
}

/** The files written when a model version is published. */
export interface PublishedFiles {
  /** The serialized model artifact. */
  readonly model: Uint8Array;
  readonly metrics: ModelMetricsDocument;
  readonly reportHtml: string;
}

/** One version in {@link ModelRegistry.listVersions}. */
export interface ModelVersionSummary {
  readonly version: string;
  readonly createdAt: string;
  readonly loss: string;
  readonly labels: readonly string[];
  readonly backboneId: string;
  readonly featureLayer: string;
  readonly validation: ModelMetricsDocument['validation'];
  readonly current: boolean;
}

/** A model version that already exists; published versions are immutable. */
export class ModelVersionExistsError extends Error {
  override readonly name = 'ModelVersionExistsError';

  constructor(readonly version: string) {
    super(`model version ${version} already exists; published versions are never overwritten`);
  }
}

/**
 * Publishes immutable model versions under `models/<version>/` and moves the
 * `models/current.json` pointer that predict follows.
 */
export class ModelRegistry {
  readonly objects: BucketObjects;

  constructor(client: S3Client, bucket: string) {
    this.objects = new BucketObjects(client, bucket);
  }

  /**
   * Writes a new version (metrics and report first, the model last, so that a listed
   * `model.bin` implies complete files) and moves the current pointer to it.
   */
  async publish(version: string, files: PublishedFiles): Promise<CurrentModelPointer> {
    if (await this.objects.head(modelKey(version, 'model.bin'))) {
      throw new ModelVersionExistsError(version);
    }
    await this.objects.putJson(modelKey(version, 'metrics.json'), files.metrics);
    await this.objects.putText(
      modelKey(version, 'report.html'),
      files.reportHtml,
      'text/html; charset=utf-8',
    );
    await this.objects.putBytes(modelKey(version, 'model.bin'), files.model);
    return this.setCurrent(version);
  }

  /** Moves `models/current.json` to an existing version (publish and rollback). */
  async setCurrent(version: string): Promise<CurrentModelPointer> {
    checkSegment(version, 'model version');
    if (!(await this.objects.head(modelKey(version, 'model.bin')))) {
      throw new ModelNotFoundError(version);
    }
    const previous = await this.getCurrent();
    const pointer: CurrentModelPointer = {
      version,
      updatedAt: new Date().toISOString(),
      ...(previous && previous.version !== version ? { previousVersion: previous.version } : {}),
    };
    await this.objects.putJson(CURRENT_MODEL_KEY, pointer);
    return pointer;
  }

  /** Returns the current pointer, or undefined when no model was published yet. */
  async getCurrent(): Promise<CurrentModelPointer | undefined> {
    const pointer = await this.objects.getJson<CurrentModelPointer>(CURRENT_MODEL_KEY);
    if (pointer !== undefined && typeof pointer.version !== 'string') {
      throw new CorruptObjectError(CURRENT_MODEL_KEY, 'the "version" field is missing');
    }
    return pointer;
  }

  /** Returns the bytes of a version's model artifact. */
  async loadModel(version: string): Promise<Uint8Array> {
    const stored = await this.objects.getBytes(modelKey(version, 'model.bin'));
    if (stored === undefined) {
      throw new ModelNotFoundError(version);
    }
    return stored.bytes;
  }

  /** Returns a version's metrics document. */
  async loadMetrics(version: string): Promise<ModelMetricsDocument> {
    const metrics = await this.objects.getJson<ModelMetricsDocument>(
      modelKey(version, 'metrics.json'),
    );
    if (metrics === undefined) {
      throw new ModelNotFoundError(version);
    }
    return metrics;
  }

  /** Lists the published versions, newest first, with their validation metrics. */
  async listVersions(): Promise<ModelVersionSummary[]> {
    const [folders, current] = await Promise.all([
      this.objects.listFolders(MODELS_PREFIX),
      this.getCurrent(),
    ]);
    const summaries: ModelVersionSummary[] = [];
    for (const version of folders) {
      const metrics = await this.objects.getJson<ModelMetricsDocument>(
        modelKey(version, 'metrics.json'),
      );
      if (metrics === undefined) {
        continue;
      }
      summaries.push({
        version,
        createdAt: metrics.createdAt,
        loss: metrics.loss,
        labels: metrics.labels,
        backboneId: metrics.backboneId,
        featureLayer: metrics.featureLayer,
        validation: metrics.validation,
        current: version === current?.version,
      });
    }
    return summaries.sort((a, b) => b.version.localeCompare(a.version));
  }
}

/**
 * Builds a model version id that sorts by time: `20250101T120000Z-<run id>`. The run id
 * is reduced to key-safe characters and 64 characters.
 */
export function newModelVersion(startedAt: Date, runId: string): string {
  const stamp = startedAt
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const safeRun = runId
    .replace(/[^A-Za-z0-9_.=-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 64);
  return checkSegment(safeRun ? `${stamp}-${safeRun}` : stamp, 'model version');
}
