import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { grantBucketAccess } from './bucket-access.js';
import { ProbeFunction } from './probe-function.js';
import { EXTRACT_SIZING, RECORD_FAILURE_SIZING } from './sizing.js';

/** Properties of {@link Extraction}. */
export interface ExtractionProps {
  readonly bucket: s3.Bucket;
  readonly backboneLayer: lambda.ILayerVersion;
  /** @default the backbone's default feature layer */
  readonly featureLayer?: string;
}

/** The object-created events that carry a new or replaced image. */
export const IMAGE_CREATED_EVENTS = [
  s3.EventType.OBJECT_CREATED_PUT,
  s3.EventType.OBJECT_CREATED_POST,
  s3.EventType.OBJECT_CREATED_COPY,
  s3.EventType.OBJECT_CREATED_COMPLETE_MULTIPART_UPLOAD,
];

/**
 * Deliveries of a dead-lettered message to record-failure before it moves to the queue of
 * unrecorded failures. Five visibility timeouts of 60 s outlast S3 throttling and brief
 * outages, and stop a lasting fault such as a missing permission within about 5 minutes.
 * NOTE: the local queues count deliveries afresh in each queue. Whether SQS carries a
 * message's receive count into its dead-letter queue has not been checked on AWS; if it
 * does, record-failure gets fewer than 5 deliveries.
 */
export const RECORD_FAILURE_MAX_RECEIVE_COUNT = 5;

/**
 * Extraction on upload: every created or removed object under `images/` goes through an
 * SQS queue to the extract function, which reports partial batch failures. Messages that
 * fail `maxReceiveCount` times move to a dead-letter queue, whose consumer writes an
 * error record for each, so that every upload ends as features or as an error record.
 * When record-failure cannot write the record, the message moves after
 * {@link RECORD_FAILURE_MAX_RECEIVE_COUNT} deliveries to a queue that no function reads,
 * and an alarm goes off while that queue contains a message.
 */
export class Extraction extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  /** Upload events that record-failure could not record, for an operator to redrive. */
  readonly unrecordedFailureQueue: sqs.Queue;
  /** In alarm while the unrecorded-failure queue contains a visible message. It has no action. */
  readonly unrecordedFailureAlarm: cloudwatch.Alarm;
  readonly extract: ProbeFunction;
  readonly recordFailure: ProbeFunction;

  constructor(scope: Construct, id: string, props: ExtractionProps) {
    super(scope, id);
    const featureEnvironment: Record<string, string> = props.featureLayer
      ? { VGG_PROBE_FEATURE_LAYER: props.featureLayer }
      : {};

    this.extract = new ProbeFunction(this, 'Extract', {
      name: 'extract',
      description: 'Extracts the feature vector of each uploaded image (SQS batch of S3 events)',
      bucket: props.bucket,
      backboneLayer: props.backboneLayer,
      environment: {
        ...featureEnvironment,
        MAX_RECEIVE_COUNT: String(EXTRACT_SIZING.maxReceiveCount),
      },
      memorySize: EXTRACT_SIZING.memorySize,
      timeout: EXTRACT_SIZING.timeout,
    });
    grantBucketAccess(this.extract.role, props.bucket, {
      read: ['images/*', 'features/*', 'errors/*'],
      write: ['features/*', 'errors/*'],
      delete: ['features/*', 'errors/*'],
      list: true,
    });

    this.recordFailure = new ProbeFunction(this, 'RecordFailure', {
      name: 'record-failure',
      description: 'Writes an error record for each upload event that extraction gave up on',
      bucket: props.bucket,
      // Only for backbone.json, which names the backbone id that error keys contain.
      backboneLayer: props.backboneLayer,
      environment: featureEnvironment,
      memorySize: RECORD_FAILURE_SIZING.memorySize,
      timeout: RECORD_FAILURE_SIZING.timeout,
    });
    // It reads the image's ETag and the stored outputs' ETags before writing a record.
    grantBucketAccess(this.recordFailure.role, props.bucket, {
      read: ['images/*', 'features/*', 'errors/*'],
      write: ['errors/*'],
      delete: ['features/*', 'errors/*'],
      list: true,
    });

    // SQS expires a dead-lettered message by its first enqueue time in the source queue,
    // so both dead-letter queues keep a message 14 days after its upload.
    this.unrecordedFailureQueue = new sqs.Queue(this, 'UnrecordedFailures', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      visibilityTimeout: RECORD_FAILURE_SIZING.timeout.plus(Duration.seconds(30)),
      deadLetterQueue: {
        queue: this.unrecordedFailureQueue,
        maxReceiveCount: RECORD_FAILURE_MAX_RECEIVE_COUNT,
      },
    });
    this.unrecordedFailureAlarm = unrecordedFailureAlarm(this, this.unrecordedFailureQueue);
    this.queue = new sqs.Queue(this, 'Uploads', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(4),
      // Six times the function timeout, as AWS recommends for Lambda event sources.
      visibilityTimeout: Duration.seconds(EXTRACT_SIZING.timeout.toSeconds() * 6),
      deadLetterQueue: {
        queue: this.deadLetterQueue,
        maxReceiveCount: EXTRACT_SIZING.maxReceiveCount,
      },
    });

    const destination = new s3n.SqsDestination(this.queue);
    const filter: s3.NotificationKeyFilter = { prefix: 'images/' };
    for (const event of IMAGE_CREATED_EVENTS) {
      props.bucket.addEventNotification(event, destination, filter);
    }
    props.bucket.addEventNotification(s3.EventType.OBJECT_REMOVED, destination, filter);

    this.extract.function.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: EXTRACT_SIZING.batchSize,
        maxBatchingWindow: Duration.seconds(2),
        reportBatchItemFailures: true,
        maxConcurrency: EXTRACT_SIZING.maxConcurrency,
      }),
    );
    this.recordFailure.function.addEventSource(
      new SqsEventSource(this.deadLetterQueue, { batchSize: 10, reportBatchItemFailures: true }),
    );
  }
}

function unrecordedFailureAlarm(scope: Construct, queue: sqs.Queue): cloudwatch.Alarm {
  return new cloudwatch.Alarm(scope, 'UnrecordedFailuresAlarm', {
    alarmDescription:
      'Upload events that record-failure could not record after ' +
      `${RECORD_FAILURE_MAX_RECEIVE_COUNT} deliveries: their images have neither features nor ` +
      "an error record. Read record-failure's logs, check its S3 access to errors/*, then " +
      'redrive the queue to the extraction dead-letter queue.',
    metric: queue.metricApproximateNumberOfMessagesVisible({
      period: Duration.minutes(5),
      statistic: cloudwatch.Stats.MAXIMUM,
    }),
    threshold: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 1,
    // SQS publishes metrics only for active queues, so an empty, idle queue sends none.
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
}
