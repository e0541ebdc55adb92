import { ListExecutionsCommand } from '@aws-sdk/client-sfn';
import type { Command } from 'commander';
import { ERRORS_PREFIX, FEATURES_PREFIX, IMAGES_PREFIX } from '../../../shared/store/keys.js';
import { ModelRegistry } from '../../../shared/store/model-registry.js';
import type { UnrecordedFailures } from '../../stack/local-queues.js';
import type { StackBackbone } from '../../stack/stack-backbone.js';
import { warnIfUntrainedBackbone } from '../backbone-warning.js';
import { countKeys } from '../bucket-counts.js';
import { Output } from '../output.js';
import { awsError, type GlobalOptions, resolveTarget, type StackTarget } from '../target.js';

/** `vgg-probe status`: images, features, errors, the current model and recent trainings. */
export function registerStatus(program: Command): void {
  program
    .command('status')
    .description(
      'show images, extracted features, errors, the current model and recent training runs',
    )
    .action(async (_options: unknown, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const output = new Output(Boolean(globals.json));
      const target = await resolveTarget(globals);
      const status = await readStatus(target);
      output.result(status, formatStatus(status));
      warnIfUntrainedBackbone(target, output);
    });
}

interface StackStatus {
  readonly stack: string;
  readonly bucket: string;
  readonly apiUrl: string;
  /** The backbone that extracts the features (local stack only). */
  readonly backbone?: StackBackbone;
  readonly images: { total: number; perLabel: Record<string, number> };
  readonly features: { total: number; perFeatureSpace: Record<string, number> };
  readonly errors: number;
  readonly currentModel: string | null;
  readonly executions: { name: string; status: string; startDate?: string; stopDate?: string }[];
  readonly queues?: Record<
    string,
    { visible: number; inFlight: number; delayed: number; deadLettered: number }
  >;
  /** S3 events whose extraction failure record-failure could not record (local stack only). */
  readonly unrecordedFailures?: UnrecordedFailures;
}

/** The maximum number of image keys listed under the warning about unrecorded failures. */
const LISTED_IMAGE_KEYS = 10;

async function readStatus(target: StackTarget): Promise<StackStatus> {
  const [images, features, errors, current, executions, local] = await Promise.all([
    countKeys(target.s3, target.bucket, IMAGES_PREFIX, 1),
    countKeys(target.s3, target.bucket, FEATURES_PREFIX, 2),
    countKeys(target.s3, target.bucket, ERRORS_PREFIX),
    new ModelRegistry(target.s3, target.bucket).getCurrent(),
    target.sfn
      .send(
        new ListExecutionsCommand({
          stateMachineArn: target.trainingStateMachineArn,
          maxResults: 5,
        }),
      )
      .catch((error: unknown) => {
        throw awsError(error, 'cannot list training executions');
      }),
    target.localControlEndpoint ? readLocalStatus(target.localControlEndpoint) : undefined,
  ]);

  return {
    stack: target.name,
    bucket: target.bucket,
    apiUrl: target.apiUrl,
    ...(target.localBackbone ? { backbone: target.localBackbone } : {}),
    images: { total: images.total, perLabel: images.groups },
    features: { total: features.total, perFeatureSpace: features.groups },
    errors: errors.total,
    currentModel: current?.version ?? null,
    executions: (executions.executions ?? []).map((execution) => ({
      name: execution.name ?? '',
      status: execution.status ?? '',
      startDate: execution.startDate?.toISOString(),
      stopDate: execution.stopDate?.toISOString(),
    })),
    ...(local ? { queues: local.queues } : {}),
    ...(local?.unrecordedFailures ? { unrecordedFailures: local.unrecordedFailures } : {}),
  };
}

// NOTE: a deployed stack reports no queue counts, because the CLI has no SQS client. Its
// UnrecordedFailures alarm covers the same case.
async function readLocalStatus(
  endpoint: string,
): Promise<Pick<StackStatus, 'queues' | 'unrecordedFailures'>> {
  const response = await fetch(new URL('/local/status', endpoint));
  return (await response.json()) as Pick<StackStatus, 'queues' | 'unrecordedFailures'>;
}

function formatStatus(status: StackStatus): string[] {
  const labels = Object.entries(status.images.perLabel).map(
    ([label, count]) => `${label} ${count}`,
  );
  const spaces = Object.entries(status.features.perFeatureSpace).map(
    ([space, count]) => `${space} ${count}`,
  );
  const lines = [
    `stack ${status.stack}: bucket ${status.bucket}, API ${status.apiUrl}`,
    ...(status.backbone ? [formatBackbone(status.backbone)] : []),
    `images: ${status.images.total}${labels.length > 0 ? ` (${labels.join(', ')})` : ''}`,
    `features: ${status.features.total}${spaces.length > 0 ? ` (${spaces.join(', ')})` : ''}; error records: ${status.errors}`,
    `current model: ${status.currentModel ?? 'none yet (run `vgg-probe train`)'}`,
  ];
  if (status.queues) {
    for (const [name, queue] of Object.entries(status.queues)) {
      const waiting = queue.visible + queue.inFlight + queue.delayed;
      lines.push(
        `queue ${name}: ${waiting} waiting or in flight, ${queue.deadLettered} dead-lettered`,
      );
    }
  }
  if (status.unrecordedFailures && status.unrecordedFailures.messages > 0) {
    lines.push(...formatUnrecordedFailures(status.unrecordedFailures));
  }
  lines.push(status.executions.length > 0 ? 'recent training runs:' : 'no training runs yet');
  for (const execution of status.executions) {
    lines.push(`  ${execution.name}  ${execution.status}  started ${execution.startDate ?? '?'}`);
  }
  return lines;
}

function formatBackbone(backbone: StackBackbone): string {
  const weights = backbone.untrained ? 'untrained (random weights)' : 'pretrained';
  return `backbone ${backbone.id}, feature layer ${backbone.featureLayer}, ${weights}: ${backbone.dir}`;
}

/** Explains the messages in the unrecorded-failure queue and what to do about them. */
function formatUnrecordedFailures(failures: UnrecordedFailures): string[] {
  const { messages, imageKeys } = failures;
  const lines = [
    `warning: ${messages} S3 event${messages === 1 ? '' : 's'} in queue ${failures.queue}: ` +
      'record-failure could not record these extraction failures.',
    '  These images have neither features nor an error record:',
  ];
  for (const key of imageKeys.slice(0, LISTED_IMAGE_KEYS)) {
    lines.push(`    ${key}`);
  }
  if (imageKeys.length > LISTED_IMAGE_KEYS) {
    lines.push(`    … and ${imageKeys.length - LISTED_IMAGE_KEYS} more (see --json)`);
  }
  lines.push(
    "  Read record-failure's errors in handlers.log in the local stack's data folder, for " +
      'example a failed S3 write to errors/, and fix the cause.',
    '  Then upload these images again: the local stack keeps its queues in memory and cannot ' +
      'redrive them.',
  );
  return lines;
}
