import { LOCAL_ACCOUNT_ID, localFunctionArn } from '../runtime/lambda-context.js';
import { type CfnTemplate, type IntrinsicResolver, TemplateError } from './cloudformation.js';

/** The metadata key that names a Lambda function's folder under `functions/`. */
export const FUNCTION_METADATA_KEY = 'vgg-probe:function';

/** Options for {@link createLocalResolver}. */
export interface LocalResolverOptions {
  /** The local bucket that replaces every `AWS::S3::Bucket` of the template. */
  readonly bucketName: string;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** @default 'VggProbe' */
  readonly stackName?: string;
}

/**
 * Creates a resolver that maps the template's resources to local values: Lambda functions
 * to local ARNs carrying their `vgg-probe:function` name, buckets to the local bucket, and
 * everything else to stable placeholder names and ARNs built from the logical id.
 */
export function createLocalResolver(
  template: CfnTemplate,
  options: LocalResolverOptions,
): IntrinsicResolver {
  const region = options.region ?? 'us-east-1';
  const stackName = options.stackName ?? 'VggProbe';

  const resource = (logicalId: string) => {
    const found = template.Resources[logicalId];
    if (!found) {
      throw new TemplateError(`the template references resource ${logicalId}, which it lacks`);
    }
    return found;
  };

  const functionName = (logicalId: string): string => {
    const name = resource(logicalId).Metadata?.[FUNCTION_METADATA_KEY];
    return typeof name === 'string' ? name : `${stackName}-${logicalId}`;
  };

  const pseudoParameters: Record<string, string> = {
    'AWS::Region': region,
    'AWS::AccountId': LOCAL_ACCOUNT_ID,
    'AWS::Partition': 'aws',
    'AWS::URLSuffix': 'amazonaws.com',
    'AWS::StackName': stackName,
    'AWS::StackId': `arn:aws:cloudformation:${region}:${LOCAL_ACCOUNT_ID}:stack/${stackName}/local`,
    'AWS::NoValue': '',
  };

  return {
    ref(logicalId) {
      if (logicalId in pseudoParameters) {
        return pseudoParameters[logicalId];
      }
      switch (resource(logicalId).Type) {
        case 'AWS::S3::Bucket':
          return options.bucketName;
        case 'AWS::Lambda::Function':
          return functionName(logicalId);
        case 'AWS::StepFunctions::StateMachine':
          return `arn:aws:states:${region}:${LOCAL_ACCOUNT_ID}:stateMachine:${stackName}-${logicalId}`;
        case 'AWS::SQS::Queue':
          return `http://sqs.local/${LOCAL_ACCOUNT_ID}/${stackName}-${logicalId}`;
        default:
          return `${stackName}-${logicalId}`;
      }
    },
    getAtt(logicalId, attribute) {
      const type = resource(logicalId).Type;
      if (type === 'AWS::Lambda::Function' && attribute === 'Arn') {
        return localFunctionArn(functionName(logicalId), region);
      }
      if (type === 'AWS::S3::Bucket' && attribute === 'Arn') {
        return `arn:aws:s3:::${options.bucketName}`;
      }
      if (type === 'AWS::S3::Bucket' && attribute.endsWith('DomainName')) {
        return `${options.bucketName}.s3.${region}.amazonaws.com`;
      }
      if (attribute === 'Arn') {
        const service = type.split('::')[1]?.toLowerCase() ?? 'local';
        return `arn:aws:${service}:${region}:${LOCAL_ACCOUNT_ID}:${stackName}-${logicalId}`;
      }
      if (type === 'AWS::SQS::Queue' && attribute === 'QueueName') {
        return `${stackName}-${logicalId}`;
      }
      return `${stackName}-${logicalId}-${attribute}`;
    },
  };
}

/** Extracts the function name from a Lambda ARN, a partial ARN or a plain name. */
export function functionNameFromArn(arnOrName: string): string {
  const match = /function:([^:/]+)/.exec(arnOrName);
  return match ? match[1] : arnOrName;
}
