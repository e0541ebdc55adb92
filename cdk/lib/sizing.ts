import { Duration } from 'aws-cdk-lib';

/**
 * Memory sizes, timeouts and batch sizes of every function, in one place so that the
 * deployment guide and the template tests read the same figures.
 *
 * Extraction and predict are sized from one run of the bundled extract handler on the
 * full-size seeded VGG16 (uint8 layer files) on 2 shared cores. It took about 5 s from
 * import to the first feature vector and 1.7-2.8 s per image after that. The whole test
 * process, local S3 server included, peaked at 1.0 GB RSS. See docs/deploy.md.
 *
 * NOTE: these figures come from a development machine, not from Lambda, where 2,048 MB
 * buys about 1.2 vCPU. Check the Duration and Max Memory Used of the first deployed
 * invocations and adjust.
 */
export const EXTRACT_SIZING = {
  /** 2,048 MB leaves about 1 GB above the measured peak and gives about 1.2 vCPU. */
  memorySize: 2048,
  /** A cold start plus a batch of 4 images takes about 15 s as measured; 2 min is the margin. */
  timeout: Duration.minutes(2),
  batchSize: 4,
  /** Deliveries before a message moves to the dead-letter queue. */
  maxReceiveCount: 3,
  /** Upper bound on concurrent extract functions, which caps the cost of a bulk upload. */
  maxConcurrency: 20,
} as const;

export const RECORD_FAILURE_SIZING = { memorySize: 256, timeout: Duration.seconds(30) } as const;

/** The Distributed Map item processor: one batch of existing images per invocation. */
export const BACKFILL_SIZING = {
  memorySize: 2048,
  timeout: Duration.minutes(10),
  itemsPerBatch: 25,
  maxConcurrency: 20,
} as const;

/** Predict must return within API Gateway's 29-second integration timeout. */
export const PREDICT_SIZING = { memorySize: 2048, timeout: Duration.seconds(29) } as const;

export const MODELS_SIZING = { memorySize: 256, timeout: Duration.seconds(10) } as const;

export const VALIDATE_INPUT_SIZING = { memorySize: 256, timeout: Duration.seconds(10) } as const;

export const DESCRIBE_FAILURE_SIZING = { memorySize: 128, timeout: Duration.seconds(10) } as const;

/** Reads every feature vector once and writes the training shards. */
export const PREPARE_DATASET_SIZING = { memorySize: 1024, timeout: Duration.minutes(15) } as const;

/**
 * One time-budgeted chunk of epochs. The dataset stays in memory across epochs: 25,000
 * vectors of 4,096 float32 values are 410 MB.
 */
export const TRAIN_CHUNK_SIZING = { memorySize: 3008, timeout: Duration.minutes(15) } as const;

export const EVALUATE_SIZING = { memorySize: 3008, timeout: Duration.minutes(10) } as const;

export const PUBLISH_SIZING = { memorySize: 1024, timeout: Duration.minutes(2) } as const;

/** How many sweep candidates train at the same time. */
export const SWEEP_MAX_CONCURRENCY = 4;
