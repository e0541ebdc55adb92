import type { LocalFunctionDefinition } from '../runtime/local-functions.js';
import {
  type CfnTemplate,
  type IntrinsicResolver,
  resolveIntrinsics,
  resourcesOfType,
  TemplateError,
} from './cloudformation.js';
import { FUNCTION_METADATA_KEY } from './local-resolver.js';

/** A function of the template that the local stack runs. */
export interface TemplateFunction extends LocalFunctionDefinition {
  readonly logicalId: string;
  /** Environment variables from the template, resolved to local values. */
  readonly environment: Readonly<Record<string, string>>;
}

/** Lambda's default timeout when a template sets none, in seconds. */
const DEFAULT_TIMEOUT_SECONDS = 3;
const DEFAULT_MEMORY_SIZE_MB = 128;

/**
 * Lists the Lambda functions that carry `vgg-probe:function` metadata. Functions that CDK
 * adds on its own (custom resource providers) carry none and are left out.
 */
export function readFunctions(
  template: CfnTemplate,
  resolver: IntrinsicResolver,
): TemplateFunction[] {
  const functions: TemplateFunction[] = [];

  for (const [logicalId, resource] of resourcesOfType(template, 'AWS::Lambda::Function')) {
    const name = resource.Metadata?.[FUNCTION_METADATA_KEY];
    if (name === undefined) {
      continue;
    }
    if (typeof name !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(name)) {
      throw new TemplateError(
        `${logicalId} has ${FUNCTION_METADATA_KEY} metadata ${JSON.stringify(name)}; ` +
          'expected a folder name under functions/ such as "predict"',
      );
    }

    const properties = resource.Properties ?? {};
    const variables = (properties.Environment as { Variables?: unknown } | undefined)?.Variables;
    const environment = resolveIntrinsics(variables ?? {}, resolver) as Record<string, unknown>;

    functions.push({
      logicalId,
      name,
      timeoutSeconds: Number(properties.Timeout ?? DEFAULT_TIMEOUT_SECONDS),
      memorySizeMb: Number(properties.MemorySize ?? DEFAULT_MEMORY_SIZE_MB),
      environment: Object.fromEntries(
        Object.entries(environment).map(([key, value]) => [key, String(value)]),
      ),
    });
  }

  if (functions.length === 0) {
    throw new TemplateError(
      `the template has no Lambda function with ${FUNCTION_METADATA_KEY} metadata; ` +
        'check that the CDK app adds it to each function',
    );
  }
  return functions;
}
