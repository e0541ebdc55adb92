import { join } from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ESM_BUNDLE_BANNER } from '../../shared/backbone/bundling.js';
import { acknowledgeNag } from './nag.js';
import { handlerEntry, REPO_ROOT } from './paths.js';

/** The metadata entry that maps a synthesized function back to `functions/<name>/`. */
export const FUNCTION_METADATA_KEY = 'vgg-probe:function';

/** The folder of the backbone weights in the Lambda file system, from the layer. */
export const LAMBDA_BACKBONE_DIR = '/opt/backbone';

/** Properties of a {@link ProbeFunction}. */
export interface ProbeFunctionProps {
  /** The handler folder name: the code is `functions/<name>/handler.ts`. */
  readonly name: string;
  readonly description: string;
  /** Memory in MB; Lambda allocates CPU in proportion (1,769 MB is one vCPU). */
  readonly memorySize: number;
  readonly timeout: Duration;
  /** The bucket that `BUCKET_NAME` names. */
  readonly bucket: s3.IBucket;
  /**
   * The VGG16 layer, for functions that extract features.
   * @default no layer
   */
  readonly backboneLayer?: lambda.ILayerVersion;
  /** @default no extra variables */
  readonly environment?: Record<string, string>;
  /**
   * Days to keep the function's logs.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * A Node.js 22 Lambda function bundled from `functions/<name>/handler.ts` with the local
 * esbuild (ESM output, `sharp` left to the layer), with its own log group and a role that
 * may only write to that log group until grants are added.
 */
export class ProbeFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ProbeFunctionProps) {
    super(scope, id);

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs the ${props.name} function of vgg-probe`,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      entry: handlerEntry(props.name),
      handler: 'handler',
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      // x86_64 because the layer ships sharp's linux-x64 build.
      architecture: lambda.Architecture.X86_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      layers: props.backboneLayer ? [props.backboneLayer] : [],
      environment: {
        BUCKET_NAME: props.bucket.bucketName,
        POWERTOOLS_SERVICE_NAME: 'vgg-probe',
        POWERTOOLS_METRICS_NAMESPACE: 'VggProbe',
        NODE_OPTIONS: '--enable-source-maps',
        ...(props.backboneLayer ? { VGG_PROBE_BACKBONE_DIR: LAMBDA_BACKBONE_DIR } : {}),
        ...props.environment,
      },
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        mainFields: ['module', 'main'],
        minify: true,
        sourceMap: true,
        bundleAwsSDK: true,
        externalModules: ['sharp'],
        // Defines require, __filename and __dirname, which bundled CommonJS code and the
        // Emscripten loaders of the WASM backend use and an ES module lacks.
        banner: ESM_BUNDLE_BANNER,
        forceDockerBundling: false,
        logLevel: LogLevel.WARNING,
      },
    });
    (this.function.node.defaultChild as lambda.CfnFunction).addMetadata(
      FUNCTION_METADATA_KEY,
      props.name,
    );
    acknowledgeNag(
      this,
      'AwsSolutions-L1',
      'The project targets Node.js 22 (an LTS release that Lambda supports), and the VGG16 layer is built ' +
        'and tested for it; moving to a newer runtime is a deliberate upgrade of code, layer and tests.',
    );
  }
}
