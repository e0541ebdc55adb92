/**
 * An estimate of the AWS cost of extraction and prediction from measured durations.
 *
 * The prices are list prices assumed for us-east-1 (x86 Lambda, S3 Standard, SQS standard
 * queue, REST API), without the free tier. They are not read from AWS: check the current
 * price pages before relying on the result. Storage, data transfer and CloudWatch Logs are
 * left out.
 */
export const ASSUMED_PRICES_USD = {
  lambdaPerGbSecond: 0.0000166667,
  lambdaPerRequest: 0.2 / 1e6,
  apiGatewayRestPerRequest: 3.5 / 1e6,
  sqsPerRequest: 0.4 / 1e6,
  /** PUT, COPY, POST and LIST requests. */
  s3PutPerRequest: 0.005 / 1000,
  /** GET, HEAD and the other read requests. */
  s3GetPerRequest: 0.0004 / 1000,
} as const;

/** Memory of the extract and predict functions, in MB (cdk/lib/sizing.ts). */
export const EXTRACT_MEMORY_MB = 2048;
export const PREDICT_MEMORY_MB = 2048;
/** SQS messages per invocation of the extract function (cdk/lib/sizing.ts). */
export const EXTRACT_BATCH_SIZE = 4;

/**
 * Requests per extracted image, read from shared/store/image-sync.ts. S3 gets 6 reads (HEAD
 * of the image, of the feature vector and of the error record, GET of the image, HEAD
 * before and after the write), the feature vector PUT and the error record DELETE (free).
 * SQS gets the notification's SendMessage, and its share of ReceiveMessage and
 * DeleteMessageBatch counted as one each, an upper bound.
 */
const EXTRACT_S3_READS = 6;
const EXTRACT_S3_PUTS = 1;
const EXTRACT_SQS_REQUESTS = 3;

/** Per prediction: the GET of `models/current.json` (the model stays cached when warm). */
const PREDICT_S3_READS = 1;

/** Measured durations that the estimate starts from. */
export interface CostInputs {
  /** Billed Lambda time per extracted image, in ms. */
  readonly extractMsPerImage: number;
  /** Billed Lambda time per prediction, in ms. */
  readonly predictMs: number;
}

/** The estimate, in US dollars per 1,000 and in Lambda GB-seconds per 1,000. */
export interface CostEstimate {
  readonly extractPer1000: number;
  readonly extractLambdaS: number;
  readonly predictPer1000: number;
  readonly predictLambdaS: number;
}

/**
 * Estimates the cost per 1,000 images extracted and per 1,000 predictions:
 *
 * - extraction: 1,000 x (ms/1000 x GB x Lambda GB-s price + Lambda request price / batch
 *   size + 6 x S3 read price + S3 PUT price + 3 x SQS request price);
 * - prediction: 1,000 x (ms/1000 x GB x Lambda GB-s price + Lambda request price + REST API
 *   request price + S3 read price).
 */
export function estimateCosts(inputs: CostInputs): CostEstimate {
  const prices = ASSUMED_PRICES_USD;
  const extractGbS = (inputs.extractMsPerImage / 1000) * (EXTRACT_MEMORY_MB / 1024);
  const predictGbS = (inputs.predictMs / 1000) * (PREDICT_MEMORY_MB / 1024);

  const extractPerImage =
    extractGbS * prices.lambdaPerGbSecond +
    prices.lambdaPerRequest / EXTRACT_BATCH_SIZE +
    EXTRACT_S3_READS * prices.s3GetPerRequest +
    EXTRACT_S3_PUTS * prices.s3PutPerRequest +
    EXTRACT_SQS_REQUESTS * prices.sqsPerRequest;
  const predictPerRequest =
    predictGbS * prices.lambdaPerGbSecond +
    prices.lambdaPerRequest +
    prices.apiGatewayRestPerRequest +
    PREDICT_S3_READS * prices.s3GetPerRequest;

  return {
    extractPer1000: 1000 * extractPerImage,
    extractLambdaS: 1000 * extractGbS,
    predictPer1000: 1000 * predictPerRequest,
    predictLambdaS: 1000 * predictGbS,
  };
}
