import { RemovalPolicy } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { grantBucketAccess } from './bucket-access.js';
import { ProbeFunction } from './probe-function.js';
import { MODELS_SIZING, PREDICT_SIZING } from './sizing.js';

/** Properties of {@link PredictionApi}. */
export interface PredictionApiProps {
  readonly bucket: s3.Bucket;
  readonly backboneLayer: lambda.ILayerVersion;
  /**
   * Steady-state requests per second that the usage plan allows one API key.
   * @default 10
   */
  readonly rateLimit?: number;
  /**
   * Burst capacity (requests) of the usage plan.
   * @default 20
   */
  readonly burstLimit?: number;
}

/** Content types whose bodies API Gateway passes to Lambda base64-encoded and unchanged. */
export const BINARY_MEDIA_TYPES = ['image/*', 'application/octet-stream'];

/**
 * The REST API (API Gateway v1, stage `v1`): `POST /predict`, `GET /models` and
 * `PUT /models/current`, each with Lambda proxy integration and an API key required.
 * A usage plan throttles each key and the stage throttles all callers together.
 */
export class PredictionApi extends Construct {
  readonly api: apigateway.RestApi;
  readonly apiKey: apigateway.IApiKey;
  readonly predict: ProbeFunction;
  readonly models: ProbeFunction;

  constructor(scope: Construct, id: string, props: PredictionApiProps) {
    super(scope, id);
    const rateLimit = props.rateLimit ?? 10;
    const burstLimit = props.burstLimit ?? 20;

    this.predict = new ProbeFunction(this, 'Predict', {
      name: 'predict',
      description: 'POST /predict: classifies an image with the current model',
      bucket: props.bucket,
      backboneLayer: props.backboneLayer,
      memorySize: PREDICT_SIZING.memorySize,
      timeout: PREDICT_SIZING.timeout,
    });
    grantBucketAccess(this.predict.role, props.bucket, {
      read: ['images/*', 'models/*'],
      list: true,
    });

    this.models = new ProbeFunction(this, 'Models', {
      name: 'models',
      description: 'GET /models and PUT /models/current: lists versions and rolls back',
      bucket: props.bucket,
      memorySize: MODELS_SIZING.memorySize,
      timeout: MODELS_SIZING.timeout,
    });
    grantBucketAccess(this.models.role, props.bucket, {
      read: ['models/*'],
      write: ['models/current.json'],
      list: true,
    });

    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.api = new apigateway.RestApi(this, 'Api', {
      description: 'vgg-probe prediction and model registry API',
      binaryMediaTypes: BINARY_MEDIA_TYPES,
      endpointTypes: [apigateway.EndpointType.REGIONAL],
      // API Gateway needs an account-level role to write execution logs.
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.DESTROY,
      deployOptions: {
        stageName: 'v1',
        throttlingRateLimit: rateLimit * 5,
        throttlingBurstLimit: burstLimit * 5,
        loggingLevel: apigateway.MethodLoggingLevel.INFO,
        dataTraceEnabled: false,
        metricsEnabled: true,
        tracingEnabled: true,
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
      },
      defaultMethodOptions: { apiKeyRequired: true },
    });
    this.addJsonErrorResponses();

    const validator = this.api.addRequestValidator('Validator', {
      requestValidatorName: 'parameters-and-json-body',
      validateRequestParameters: true,
      validateRequestBody: true,
    });
    const models = requestModels(this.api);
    const predictIntegration = new apigateway.LambdaIntegration(this.predict.function);
    const modelsIntegration = new apigateway.LambdaIntegration(this.models.function);

    this.api.root.addResource('predict').addMethod('POST', predictIntegration, {
      requestValidator: validator,
      requestParameters: {
        'method.request.querystring.topK': false,
        'method.request.querystring.minConfidence': false,
      },
      // Only JSON bodies are checked here; image bodies pass through to the handler.
      requestModels: { 'application/json': models.predictJson },
    });
    const modelsResource = this.api.root.addResource('models');
    modelsResource.addMethod('GET', modelsIntegration, { requestValidator: validator });
    modelsResource.addResource('current').addMethod('PUT', modelsIntegration, {
      requestValidator: validator,
      requestModels: { 'application/json': models.rollback },
    });

    this.apiKey = this.api.addApiKey('Key', { description: 'vgg-probe default API key' });
    const plan = this.api.addUsagePlan('Plan', {
      description: 'vgg-probe per-key throttling',
      throttle: { rateLimit, burstLimit },
    });
    plan.addApiKey(this.apiKey);
    plan.addApiStage({ stage: this.api.deploymentStage });
  }

  /** Makes API Gateway's own errors (missing key, throttling, too large) JSON like the handlers'. */
  private addJsonErrorResponses(): void {
    const template = { 'application/json': '{"message": $context.error.messageString}' };
    this.api.addGatewayResponse('Default4xx', {
      type: apigateway.ResponseType.DEFAULT_4XX,
      templates: template,
    });
    this.api.addGatewayResponse('Default5xx', {
      type: apigateway.ResponseType.DEFAULT_5XX,
      templates: template,
    });
    this.api.addGatewayResponse('TooLarge', {
      type: apigateway.ResponseType.REQUEST_TOO_LARGE,
      statusCode: '413',
      templates: {
        'application/json':
          '{"message": "request body too large: API Gateway accepts at most 10 MB; send large images with {\\"s3Key\\": \\"images/…\\"}"}',
      },
    });
  }
}

/** JSON schemas that API Gateway checks before invoking the functions. */
function requestModels(api: apigateway.RestApi): {
  predictJson: apigateway.Model;
  rollback: apigateway.Model;
} {
  const predictJson = api.addModel('PredictJson', {
    contentType: 'application/json',
    description: 'POST /predict with a JSON body: a base64 image or an S3 key under images/',
    schema: {
      schema: apigateway.JsonSchemaVersion.DRAFT4,
      type: apigateway.JsonSchemaType.OBJECT,
      properties: {
        image: { type: apigateway.JsonSchemaType.STRING, minLength: 1 },
        s3Key: { type: apigateway.JsonSchemaType.STRING, pattern: '^images/.+' },
      },
      minProperties: 1,
      maxProperties: 1,
      additionalProperties: false,
    },
  });
  const rollback = api.addModel('Rollback', {
    contentType: 'application/json',
    description: 'PUT /models/current: the version to serve',
    schema: {
      schema: apigateway.JsonSchemaVersion.DRAFT4,
      type: apigateway.JsonSchemaType.OBJECT,
      properties: { version: { type: apigateway.JsonSchemaType.STRING, minLength: 1 } },
      required: ['version'],
      additionalProperties: false,
    },
  });
  return { predictJson, rollback };
}
