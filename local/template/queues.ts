import {
  type CfnTemplate,
  referencedLogicalId,
  resourcesOfType,
  TemplateError,
} from './cloudformation.js';
import { FUNCTION_METADATA_KEY } from './local-resolver.js';

/** A filter on the bucket notifications that reach a queue: event names and key affixes. */
export interface NotificationRule {
  /** S3 event types such as `s3:ObjectCreated:Put` or `s3:ObjectRemoved:*`. */
  readonly events: readonly string[];
  readonly prefix: string;
  readonly suffix: string;
}

/** The Lambda event source mapping that drains a queue. */
export interface QueueConsumer {
  readonly functionName: string;
  /** @default 10, the SQS event source default */
  readonly batchSize: number;
  readonly maximumBatchingWindowSeconds: number;
  readonly reportBatchItemFailures: boolean;
  readonly maximumConcurrency?: number;
}

/** An SQS queue of the template with what feeds it and what drains it. */
export interface TemplateQueue {
  readonly logicalId: string;
  readonly visibilityTimeoutSeconds: number;
  /** The queue that receives messages after `maxReceiveCount` failed deliveries. */
  readonly deadLetterQueueLogicalId?: string;
  readonly maxReceiveCount?: number;
  readonly consumer?: QueueConsumer;
  /** Bucket notifications sent to this queue; empty for a queue that S3 does not feed. */
  readonly notificationRules: readonly NotificationRule[];
}

/** Reads every SQS queue of the template, with its redrive policy, consumer and feeds. */
export function readQueues(template: CfnTemplate): TemplateQueue[] {
  const rules = readNotificationRules(template);
  const consumers = readConsumers(template);

  const queues = resourcesOfType(template, 'AWS::SQS::Queue').map(([logicalId, resource]) => {
    const properties = resource.Properties ?? {};
    const redrive = properties.RedrivePolicy as Record<string, unknown> | undefined;
    return {
      logicalId,
      visibilityTimeoutSeconds: Number(properties.VisibilityTimeout ?? 30),
      deadLetterQueueLogicalId: redrive ? deadLetterTarget(template, logicalId, redrive) : undefined,
      maxReceiveCount: redrive ? Number(redrive.maxReceiveCount) : undefined,
      consumer: consumers.get(logicalId),
      notificationRules: rules.get(logicalId) ?? [],
    };
  });

  if (!queues.some((queue) => queue.notificationRules.length > 0 && queue.consumer)) {
    throw new TemplateError(
      'the template sends no bucket notification to an SQS queue that a function drains ' +
        '(QueueConfigurations of Custom::S3BucketNotifications and an event source mapping)',
    );
  }
  return queues;
}

/** Returns the logical id of the queue that a redrive policy names as its dead-letter queue. */
function deadLetterTarget(
  template: CfnTemplate,
  logicalId: string,
  redrive: Record<string, unknown>,
): string {
  const target = referencedLogicalId(redrive.deadLetterTargetArn);
  if (!target || template.Resources[target]?.Type !== 'AWS::SQS::Queue') {
    // A literal ARN names a queue outside the stack, which the local stack cannot run.
    throw new TemplateError(
      `the redrive policy of queue ${logicalId} must name an SQS queue of the template with ` +
        `Fn::GetAtt, got deadLetterTargetArn ${JSON.stringify(redrive.deadLetterTargetArn)}`,
    );
  }
  return target;
}

function readConsumers(template: CfnTemplate): Map<string, QueueConsumer> {
  const consumers = new Map<string, QueueConsumer>();

  for (const [logicalId, mapping] of resourcesOfType(template, 'AWS::Lambda::EventSourceMapping')) {
    const properties = mapping.Properties ?? {};
    const queueLogicalId = referencedLogicalId(properties.EventSourceArn);
    if (!queueLogicalId || template.Resources[queueLogicalId]?.Type !== 'AWS::SQS::Queue') {
      continue;
    }

    const functionId = referencedLogicalId(properties.FunctionName);
    const functionName = functionId
      ? template.Resources[functionId]?.Metadata?.[FUNCTION_METADATA_KEY]
      : undefined;
    if (typeof functionName !== 'string') {
      throw new TemplateError(
        `event source mapping ${logicalId} targets a function without ${FUNCTION_METADATA_KEY} metadata`,
      );
    }

    const scaling = properties.ScalingConfig as Record<string, unknown> | undefined;
    const responseTypes = (properties.FunctionResponseTypes ?? []) as string[];
    consumers.set(queueLogicalId, {
      functionName,
      batchSize: Number(properties.BatchSize ?? 10),
      maximumBatchingWindowSeconds: Number(properties.MaximumBatchingWindowInSeconds ?? 0),
      reportBatchItemFailures: responseTypes.includes('ReportBatchItemFailures'),
      maximumConcurrency: scaling?.MaximumConcurrency
        ? Number(scaling.MaximumConcurrency)
        : undefined,
    });
  }
  return consumers;
}

function readNotificationRules(template: CfnTemplate): Map<string, NotificationRule[]> {
  const rules = new Map<string, NotificationRule[]>();

  for (const [, resource] of resourcesOfType(template, 'Custom::S3BucketNotifications')) {
    const configuration = resource.Properties?.NotificationConfiguration as
      { QueueConfigurations?: Record<string, unknown>[] } | undefined;

    for (const queueConfiguration of configuration?.QueueConfigurations ?? []) {
      const queueLogicalId = referencedLogicalId(queueConfiguration.QueueArn);
      if (!queueLogicalId) {
        continue;
      }
      const filter = queueConfiguration.Filter as
        { Key?: { FilterRules?: { Name: string; Value: string }[] } } | undefined;
      const filterRules = filter?.Key?.FilterRules ?? [];
      const filterValue = (name: string) =>
        filterRules.find((rule) => rule.Name.toLowerCase() === name)?.Value ?? '';

      const list = rules.get(queueLogicalId) ?? [];
      list.push({
        events: (queueConfiguration.Events ?? []) as string[],
        prefix: filterValue('prefix'),
        suffix: filterValue('suffix'),
      });
      rules.set(queueLogicalId, list);
    }
  }
  return rules;
}

/**
 * Tells whether a notification rule selects an event such as `ObjectCreated:Put` on a key.
 * S3 filters on the object key itself, so pass the decoded key.
 */
export function ruleMatches(rule: NotificationRule, eventName: string, key: string): boolean {
  const matchesEvent = rule.events.some((pattern) => {
    const name = pattern.replace(/^s3:/, '');
    return name.endsWith(':*') ? eventName.startsWith(name.slice(0, -1)) : eventName === name;
  });
  return matchesEvent && key.startsWith(rule.prefix) && key.endsWith(rule.suffix);
}
