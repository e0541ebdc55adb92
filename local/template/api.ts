import {
  type CfnResource,
  type CfnTemplate,
  type IntrinsicResolver,
  referencedLogicalId,
  resolveString,
  resourcesOfType,
  TemplateError,
} from './cloudformation.js';
import { functionNameFromArn } from './local-resolver.js';
import { outputLogicalId } from './state-machines.js';

/** A response that a MOCK integration (such as a CORS preflight) returns. */
export interface MockResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
}

/** One method of the REST API. */
export interface ApiRoute {
  /** The resource path with its parameters, for example `/models/{version}`. */
  readonly resourcePath: string;
  /** An HTTP method, or `ANY`. */
  readonly httpMethod: string;
  readonly apiKeyRequired: boolean;
  readonly authorizationType: string;
  /** The function behind an `AWS_PROXY` integration. */
  readonly functionName?: string;
  /** The fixed response of a `MOCK` integration. */
  readonly mockResponse?: MockResponse;
}

/** Rate and burst limits of a usage plan, in requests per second and requests. */
export interface ApiThrottle {
  readonly rateLimit: number;
  readonly burstLimit: number;
}

/** A customized API Gateway error response (`AWS::ApiGateway::GatewayResponse`). */
export interface TemplateGatewayResponse {
  /** For example `DEFAULT_4XX` or `REQUEST_TOO_LARGE`. */
  readonly responseType: string;
  readonly statusCode?: number;
  /** Content type to mapping template, for example `{"message": $context.error.messageString}`. */
  readonly templates: Readonly<Record<string, string>>;
  readonly headers: Readonly<Record<string, string>>;
}

/** The REST API of the template, as the local HTTP server serves it. */
export interface TemplateApi {
  readonly stageName: string;
  readonly binaryMediaTypes: readonly string[];
  readonly routes: readonly ApiRoute[];
  readonly throttle?: ApiThrottle;
  /** @default none: API Gateway's built-in error responses */
  readonly gatewayResponses?: readonly TemplateGatewayResponse[];
}

/** Reads the REST API that the `ApiUrl` output points at: stage, routes and settings. */
export function readApi(template: CfnTemplate, resolver: IntrinsicResolver): TemplateApi {
  const restApiId = findRestApi(template);
  const restApi = template.Resources[restApiId];
  const properties = restApi.Properties ?? {};

  const routes: ApiRoute[] = [];
  for (const [logicalId, method] of resourcesOfType(template, 'AWS::ApiGateway::Method')) {
    if (referencedLogicalId(method.Properties?.RestApiId) !== restApiId) {
      continue;
    }
    routes.push(readRoute(template, resolver, restApiId, logicalId, method));
  }

  return {
    stageName: readStageName(template, restApiId),
    binaryMediaTypes: ((properties.BinaryMediaTypes as string[] | undefined) ?? []).map((type) =>
      // API Gateway stores `/` in binary media types as `~1`.
      type.replace(/~1/g, '/'),
    ),
    routes,
    throttle: readThrottle(template, restApiId),
    gatewayResponses: readGatewayResponses(template, restApiId),
  };
}

function readGatewayResponses(template: CfnTemplate, restApiId: string): TemplateGatewayResponse[] {
  const responses: TemplateGatewayResponse[] = [];
  for (const [, resource] of resourcesOfType(template, 'AWS::ApiGateway::GatewayResponse')) {
    const properties = resource.Properties ?? {};
    if (referencedLogicalId(properties.RestApiId) !== restApiId) {
      continue;
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(
      (properties.ResponseParameters ?? {}) as Record<string, string>,
    )) {
      const header = /^gatewayresponse\.header\.(.+)$/.exec(name);
      if (header) {
        headers[header[1]] = value.replace(/^'(.*)'$/, '$1');
      }
    }
    responses.push({
      responseType: String(properties.ResponseType),
      statusCode: properties.StatusCode === undefined ? undefined : Number(properties.StatusCode),
      templates: (properties.ResponseTemplates ?? {}) as Record<string, string>,
      headers,
    });
  }
  return responses;
}

function findRestApi(template: CfnTemplate): string {
  const apis = resourcesOfType(template, 'AWS::ApiGateway::RestApi');
  if (apis.length === 1) {
    return apis[0][0];
  }

  // With several APIs, the ApiUrl output is a Fn::Join that contains a Ref to the right one.
  const output = JSON.stringify(template.Outputs?.ApiUrl?.Value ?? null);
  const match = apis.find(([logicalId]) => output.includes(`"Ref":"${logicalId}"`));
  if (!match) {
    throw new TemplateError(
      `the template has ${apis.length} REST APIs and no ApiUrl output that picks one`,
    );
  }
  return match[0];
}

function readRoute(
  template: CfnTemplate,
  resolver: IntrinsicResolver,
  restApiId: string,
  logicalId: string,
  method: CfnResource,
): ApiRoute {
  const properties = method.Properties ?? {};
  const integration = (properties.Integration ?? {}) as Record<string, unknown>;
  const route = {
    resourcePath: resourcePath(template, restApiId, properties.ResourceId),
    httpMethod: String(properties.HttpMethod).toUpperCase(),
    apiKeyRequired: properties.ApiKeyRequired === true,
    authorizationType: String(properties.AuthorizationType ?? 'NONE'),
  };

  if (integration.Type === 'AWS_PROXY') {
    const uri = resolveString(integration.Uri, resolver, `${logicalId}.Integration.Uri`);
    return { ...route, functionName: functionNameFromArn(uri) };
  }
  if (integration.Type === 'MOCK') {
    return { ...route, mockResponse: readMockResponse(integration) };
  }
  throw new TemplateError(
    `${logicalId} uses integration type ${String(integration.Type)}; ` +
      'the local API serves AWS_PROXY and MOCK integrations only',
  );
}

function resourcePath(template: CfnTemplate, restApiId: string, resourceId: unknown): string {
  const record = resourceId as Record<string, unknown> | undefined;
  const getAtt = record?.['Fn::GetAtt'];
  if (Array.isArray(getAtt) && getAtt[0] === restApiId && getAtt[1] === 'RootResourceId') {
    return '/';
  }

  const logicalId = referencedLogicalId(resourceId);
  const resource = logicalId ? template.Resources[logicalId] : undefined;
  if (!resource || resource.Type !== 'AWS::ApiGateway::Resource') {
    throw new TemplateError(`cannot resolve API resource ${JSON.stringify(resourceId)}`);
  }

  const parent = resourcePath(template, restApiId, resource.Properties?.ParentId);
  const part = String(resource.Properties?.PathPart);
  return parent === '/' ? `/${part}` : `${parent}/${part}`;
}

function readMockResponse(integration: Record<string, unknown>): MockResponse {
  const responses = (integration.IntegrationResponses ?? []) as Record<string, unknown>[];
  const response = responses[0] ?? {};
  const parameters = (response.ResponseParameters ?? {}) as Record<string, string>;
  const headers: Record<string, string> = {};

  for (const [name, value] of Object.entries(parameters)) {
    const header = /^method\.response\.header\.(.+)$/.exec(name);
    if (header) {
      // Static values are single-quoted in the template, for example "'*'".
      headers[header[1]] = value.replace(/^'(.*)'$/, '$1');
    }
  }
  return { statusCode: Number(response.StatusCode ?? 200), headers };
}

function readStageName(template: CfnTemplate, restApiId: string): string {
  for (const type of ['AWS::ApiGateway::Stage', 'AWS::ApiGateway::Deployment']) {
    for (const [, resource] of resourcesOfType(template, type)) {
      const stageName = resource.Properties?.StageName;
      if (referencedLogicalId(resource.Properties?.RestApiId) === restApiId && stageName) {
        return String(stageName);
      }
    }
  }
  throw new TemplateError(`REST API ${restApiId} has no stage in the template`);
}

function readThrottle(template: CfnTemplate, restApiId: string): ApiThrottle | undefined {
  for (const [, plan] of resourcesOfType(template, 'AWS::ApiGateway::UsagePlan')) {
    const stages = (plan.Properties?.ApiStages ?? []) as Record<string, unknown>[];
    const throttle = plan.Properties?.Throttle as Record<string, unknown> | undefined;
    if (throttle && stages.some((stage) => referencedLogicalId(stage.ApiId) === restApiId)) {
      return {
        rateLimit: Number(throttle.RateLimit ?? Number.POSITIVE_INFINITY),
        burstLimit: Number(throttle.BurstLimit ?? Number.POSITIVE_INFINITY),
      };
    }
  }
  return undefined;
}

/** Returns the logical id of the API key that the `ApiKeyId` output refers to, if any. */
export function apiKeyLogicalId(template: CfnTemplate): string | undefined {
  return template.Outputs?.ApiKeyId ? outputLogicalId(template, 'ApiKeyId') : undefined;
}
