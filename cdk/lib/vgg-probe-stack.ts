import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { BackboneLayer } from './backbone-layer.js';
import { BackfillWorkflow } from './backfill-workflow.js';
import { Extraction } from './extraction.js';
import { applyNagSuppressions } from './nag-suppressions.js';
import { PredictionApi } from './prediction-api.js';
import { ProbeStorage } from './storage.js';
import { TrainingWorkflow } from './training-workflow.js';

/** Properties of {@link VggProbeStack}. */
export interface VggProbeStackProps extends StackProps {
  /**
   * The folder with the built VGG16 layer contents.
   * @default layers/vgg16/build
   */
  readonly layerDir?: string;
  /**
   * The feature layer that extraction and training use, for example `fc2` or `block5_pool`.
   * @default the backbone's default (`fc2` for VGG16)
   */
  readonly featureLayer?: string;
}

/** The whole pipeline: storage, extraction on upload, backfill, training and the API. */
export class VggProbeStack extends Stack {
  readonly storage: ProbeStorage;
  readonly backboneLayer: BackboneLayer;
  readonly extraction: Extraction;
  readonly backfill: BackfillWorkflow;
  readonly training: TrainingWorkflow;
  readonly api: PredictionApi;

  constructor(scope: Construct, id: string, props: VggProbeStackProps = {}) {
    super(scope, id, props);
    const featureLayer = props.featureLayer;

    this.storage = new ProbeStorage(this, 'Storage');
    const bucket = this.storage.bucket;
    this.backboneLayer = new BackboneLayer(this, 'Backbone', { layerDir: props.layerDir });
    const backboneLayer = this.backboneLayer.layer;

    this.extraction = new Extraction(this, 'Extraction', { bucket, backboneLayer, featureLayer });
    this.backfill = new BackfillWorkflow(this, 'Backfill', { bucket, backboneLayer, featureLayer });
    this.training = new TrainingWorkflow(this, 'Training', { bucket, featureLayer });
    this.api = new PredictionApi(this, 'Prediction', { bucket, backboneLayer });

    new CfnOutput(this, 'BucketName', { value: bucket.bucketName });
    new CfnOutput(this, 'ApiUrl', { value: this.api.api.url });
    new CfnOutput(this, 'ApiKeyId', {
      value: this.api.apiKey.keyId,
      description:
        'Read the key value with: aws apigateway get-api-key --include-value --api-key <id>',
    });
    new CfnOutput(this, 'TrainingStateMachineArn', {
      value: this.training.stateMachine.stateMachineArn,
    });
    new CfnOutput(this, 'BackfillStateMachineArn', {
      value: this.backfill.stateMachine.stateMachineArn,
    });
    // A redrive of unrecorded failures needs both ARNs, and the local stack finds the
    // unrecorded-failure queue by its output.
    new CfnOutput(this, 'UnrecordedFailuresQueueArn', {
      value: this.extraction.unrecordedFailureQueue.queueArn,
    });
    new CfnOutput(this, 'DeadLetterQueueArn', {
      value: this.extraction.deadLetterQueue.queueArn,
    });

    applyNagSuppressions(this, this.api);
  }
}
