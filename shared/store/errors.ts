/** A label (a folder name under `images/`) that cannot be used as a safe S3 key segment. */
export class InvalidLabelError extends Error {
  override readonly name = 'InvalidLabelError';

  constructor(
    readonly label: string,
    reason: string,
  ) {
    super(`invalid label ${JSON.stringify(label)}: ${reason}`);
  }
}

/** An object key outside the layout that the pipeline reads and writes. */
export class InvalidKeyError extends Error {
  override readonly name = 'InvalidKeyError';

  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`invalid object key ${JSON.stringify(key)}: ${reason}`);
  }
}

/** A stored object (feature vector, shard, pointer) whose bytes do not match its format. */
export class CorruptObjectError extends Error {
  override readonly name = 'CorruptObjectError';

  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`corrupt object ${key}: ${reason}; delete it and run the step that writes it again`);
  }
}

/** A required environment variable that is missing or invalid. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** A model version that does not exist under `models/`. */
export class ModelNotFoundError extends Error {
  override readonly name = 'ModelNotFoundError';

  constructor(readonly version: string) {
    super(
      `model version ${JSON.stringify(version)} not found under models/; list versions with GET /models`,
    );
  }
}

/** No model has been published yet, so `models/current.json` does not exist. */
export class NoCurrentModelError extends Error {
  override readonly name = 'NoCurrentModelError';

  constructor() {
    super(
      'no model is trained yet (models/current.json is missing); run the training state machine first',
    );
  }
}
