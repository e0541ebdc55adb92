import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { VggProbeStack } from '../lib/vgg-probe-stack.js';

const app = new App();

new VggProbeStack(app, 'VggProbe', {
  description: 'vgg-probe: VGG16 features and a linear probe, trained by Step Functions',
  layerDir: app.node.tryGetContext('layerDir'),
  featureLayer: app.node.tryGetContext('featureLayer'),
});

Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
