import type { BackboneChoice } from '../../stack/backbone-choice.js';

/** Describes the chosen backbone for people, with a clear warning for seeded weights. */
export function describeBackbone(backbone: BackboneChoice): string[] {
  const lines: string[] = [];
  if (backbone.source === 'seeded') {
    lines.push(
      `${backbone.builtNow ? 'built' : 'using'} seeded VGG16 weights (${backbone.id}) in ${backbone.dir}`,
      'warning: these weights are UNTRAINED (random, seeded). Their features carry no ImageNet knowledge:',
      '  accuracy shows that the pipeline works, not how well a real backbone classifies photos.',
      '  Pass --backbone with a pretrained model (or build the VGG16 layer) for meaningful accuracy.',
    );
  } else {
    const from = backbone.source === 'layer' ? 'the built Lambda layer' : 'your --backbone';
    lines.push(
      `backbone ${backbone.id} (feature layer ${backbone.featureLayer}) from ${from}: ${backbone.dir}`,
    );
    if (backbone.untrained) {
      lines.push(
        'warning: this backbone is marked untrained (random weights); expect low accuracy on real photos.',
      );
    }
    for (const guess of backbone.inferred) {
      lines.push(`  inferred ${guess}`);
    }
  }
  return lines;
}
