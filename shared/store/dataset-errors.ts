/** The reason a training dataset could not be built. It is also the name of the error. */
export type DatasetErrorCode =
  | 'NoFeatureVectors'
  | 'FeatureSpaceNotFound'
  | 'AmbiguousFeatureSpace'
  | 'UnknownLabel'
  | 'SingleClass'
  | 'TooFewSamples'
  | 'EmptyValidationSplit'
  | 'MixedDimensions';

/**
 * A dataset that cannot be trained on. The name is the code, so that Step Functions
 * shows it as the error of the failed step.
 */
export class DatasetError extends Error {
  constructor(
    readonly code: DatasetErrorCode,
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}
