import { ListExecutionsCommand } from '@aws-sdk/client-sfn';
import type { Command } from 'commander';
import { ERRORS_PREFIX, FEATURES_PREFIX, IMAGES_PREFIX } from '../../../shared/store/keys.js';
import { ModelRegistry } from '../../../shared/store/model-registry.js';
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
    });
}

interface StackStatus {
  readonly stack: string;
  readonly bucket: string;
  readonly apiUrl: string;
  readonly images: { total: number; perLabel: Record<string, number> };
  readonly features: { total: number; perFeatureSpace: Record<string, number> };
  readonly errors: number;
  readonly currentModel: string | null;
  readonly executions: { name: string; status: string; startDate?: string; stopDate?: string }[];
  readonly queues?: Record<
    string,
    { visible: number; inFlight: number; delayed: number; deadLettered: number }
  >;
}

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
  };
}

async function readLocalStatus(endpoint: string): Promise<Pick<StackStatus, 'queues'>> {
  const response = await fetch(new URL('/local/status', endpoint));
  return (await response.json()) as Pick<StackStatus, 'queues'>;
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
  lines.push(status.executions.length > 0 ? 'recent training runs:' : 'no training runs yet');
  for (const execution of status.executions) {
    lines.push(`  ${execution.name}  ${execution.status}  started ${execution.startDate ?? '?'}`);
  }
  return lines;
}
