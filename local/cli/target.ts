import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { APIGatewayClient, GetApiKeyCommand } from '@aws-sdk/client-api-gateway';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import type { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { createS3Client } from '../../shared/store/s3-client.js';
import type { StackBackbone } from '../stack/stack-backbone.js';
import { findLiveStack } from '../stack/state-file.js';
import { CliError } from './errors.js';

/** The stack a command works on: the local one or a deployed one. */
export interface StackTarget {
  readonly kind: 'local' | 'deployed';
  /** The stack name, or `local`. */
  readonly name: string;
  readonly bucket: string;
  readonly s3: S3Client;
  readonly sfn: SFNClient;
  readonly trainingStateMachineArn: string;
  /** The API's invoke URL with a trailing slash. */
  readonly apiUrl: string;
  readonly apiKey: string;
  /** The local stack's Step Functions endpoint, which also serves `GET /local/status`. */
  readonly localControlEndpoint?: string;
  /**
   * The local stack's backbone from its state file. Undefined for a deployed stack, and for
   * a local stack whose state file records none.
   */
  readonly localBackbone?: StackBackbone;
}

/** Options shared by every command. */
export interface GlobalOptions {
  readonly json?: boolean;
  /** A deployed CloudFormation stack, for example `VggProbe`. */
  readonly stack?: string;
  readonly region?: string;
  readonly dataDir?: string;
}

const DEFAULT_DATA_DIR = join('.vgg-probe', 'local');

/**
 * Returns the local stack's data folder: `--data-dir`, `VGG_PROBE_DATA_DIR`, or else the
 * nearest `.vgg-probe/local` in the working folder or one of its parents (as git finds
 * `.git`), so that commands run from a subfolder reach the stack started at the top.
 * Without one anywhere, `.vgg-probe/local` in the working folder.
 */
export function localDataDir(options: GlobalOptions, workingDir = process.cwd()): string {
  const explicit = options.dataDir ?? process.env.VGG_PROBE_DATA_DIR;
  if (explicit !== undefined) {
    return resolve(workingDir, explicit);
  }

  for (let dir = resolve(workingDir); ; dir = dirname(dir)) {
    if (existsSync(join(dir, DEFAULT_DATA_DIR))) {
      return join(dir, DEFAULT_DATA_DIR);
    }
    if (dirname(dir) === dir) {
      return resolve(workingDir, DEFAULT_DATA_DIR);
    }
  }
}

/** Finds the stack a command works on and creates its clients. */
export async function resolveTarget(options: GlobalOptions): Promise<StackTarget> {
  return options.stack
    ? deployedTarget(options.stack, options.region)
    : localTarget(localDataDir(options));
}

async function localTarget(dataDir: string): Promise<StackTarget> {
  const state = await findLiveStack(dataDir);
  if (!state) {
    throw new CliError(
      `the local stack is not running (no live stack recorded in ${dataDir})`,
      'Start it in another terminal with `npx vgg-probe local`, or pass --stack NAME for a deployed stack.',
    );
  }

  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  return {
    kind: 'local',
    name: 'local',
    bucket: state.bucket,
    s3: createS3Client({ endpoint: state.s3Endpoint }),
    sfn: new SFNClient({ endpoint: state.stepFunctionsEndpoint, region: 'us-east-1', credentials }),
    trainingStateMachineArn: state.trainingStateMachineArn,
    apiUrl: state.apiUrl,
    apiKey: state.apiKey,
    localControlEndpoint: state.stepFunctionsEndpoint,
    localBackbone: state.backbone,
  };
}

async function deployedTarget(stackName: string, region?: string): Promise<StackTarget> {
  const outputs = await readStackOutputs(stackName, region);
  const required = ['BucketName', 'ApiUrl', 'ApiKeyId', 'TrainingStateMachineArn'];
  const missing = required.filter((name) => !outputs[name]);
  if (missing.length > 0) {
    throw new CliError(
      `stack ${stackName} has no output ${missing.join(', ')}`,
      'Check that it is a vgg-probe stack, and deploy the current version with `npx cdk deploy`.',
    );
  }

  const apiKey = process.env.VGG_PROBE_API_KEY ?? (await readApiKey(outputs.ApiKeyId, region));
  const apiUrl = outputs.ApiUrl.endsWith('/') ? outputs.ApiUrl : `${outputs.ApiUrl}/`;
  return {
    kind: 'deployed',
    name: stackName,
    bucket: outputs.BucketName,
    s3: createS3Client({ endpoint: undefined, region }),
    sfn: new SFNClient({ region }),
    trainingStateMachineArn: outputs.TrainingStateMachineArn,
    apiUrl,
    apiKey,
  };
}

async function readStackOutputs(
  stackName: string,
  region?: string,
): Promise<Record<string, string>> {
  const client = new CloudFormationClient({ region });
  try {
    const { Stacks } = await client.send(new DescribeStacksCommand({ StackName: stackName }));
    const outputs: Record<string, string> = {};
    for (const output of Stacks?.[0]?.Outputs ?? []) {
      if (output.OutputKey && output.OutputValue) {
        outputs[output.OutputKey] = output.OutputValue;
      }
    }
    return outputs;
  } catch (error) {
    throw awsError(error, `cannot read the outputs of stack ${stackName}`);
  } finally {
    client.destroy();
  }
}

async function readApiKey(apiKeyId: string, region?: string): Promise<string> {
  const client = new APIGatewayClient({ region });
  try {
    const key = await client.send(new GetApiKeyCommand({ apiKey: apiKeyId, includeValue: true }));
    if (!key.value) {
      throw new CliError(
        `API key ${apiKeyId} has no value`,
        'Set VGG_PROBE_API_KEY to the key value.',
      );
    }
    return key.value;
  } catch (error) {
    throw awsError(error, `cannot read the value of API key ${apiKeyId}`);
  } finally {
    client.destroy();
  }
}

/** Turns an AWS SDK error into a CLI error that names what to check. */
export function awsError(error: unknown, action: string): CliError {
  if (error instanceof CliError) {
    return error;
  }
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  if (name === 'CredentialsProviderError' || /credential/i.test(message)) {
    return new CliError(
      `${action}: no AWS credentials found`,
      'Configure credentials (for example `aws configure` or AWS_PROFILE) and a region ' +
        '(AWS_REGION or --region), or leave out --stack to use the local stack.',
    );
  }
  if (name === 'ValidationError' && /does not exist/.test(message)) {
    return new CliError(
      `${action}: ${message}`,
      'Deploy it with `npx cdk deploy`, or check --region.',
    );
  }
  return new CliError(`${action}: ${name}: ${message}`);
}
