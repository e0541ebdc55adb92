import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { VggProbeStack, type VggProbeStackProps } from '../cdk/lib/vgg-probe-stack.js';

/** A synthesized stack with its template, for assertions. */
export interface SynthesizedStack {
  readonly app: App;
  readonly stack: VggProbeStack;
  readonly template: Template;
}

/**
 * Writes a tiny stand-in for the built layer, so that tests neither copy the real weights into
 * the cloud assembly nor depend on whether `npm run build:weights` has run.
 */
function fakeLayerDir(): string {
  const dir = join(tmpdir(), 'vgg-probe-test-layer');
  mkdirSync(join(dir, 'backbone'), { recursive: true });
  writeFileSync(join(dir, 'backbone', 'backbone.json'), '{"note": "test stand-in"}\n');
  return dir;
}

/**
 * Synthesizes the VggProbe stack in memory, with a stand-in layer unless `props.layerDir`
 * is set. Bundling runs with the local esbuild unless `bundle` is false, which skips it
 * (faster, for tests that do not look at the code).
 */
export function synthStack(
  props: VggProbeStackProps = {},
  options: { bundle?: boolean } = {},
): SynthesizedStack {
  const context = options.bundle === false ? { 'aws:cdk:bundling-stacks': [] } : {};
  const app = new App({ context });
  const stack = new VggProbeStack(app, 'VggProbe', { layerDir: fakeLayerDir(), ...props });
  return { app, stack, template: Template.fromStack(stack) };
}

/** A resource from `template.findResources`: its type, properties and metadata. */
export interface TemplateResource {
  readonly Type: string;
  readonly Properties: Record<string, any>;
  readonly Metadata?: Record<string, any>;
}

/** Returns the Lambda functions keyed by their `vgg-probe:function` metadata name. */
export function functionsByName(
  template: Template,
): Map<string, { logicalId: string; resource: TemplateResource }> {
  const byName = new Map<string, { logicalId: string; resource: TemplateResource }>();
  for (const [logicalId, resource] of Object.entries(
    template.findResources('AWS::Lambda::Function'),
  )) {
    const name = (resource as TemplateResource).Metadata?.['vgg-probe:function'];
    if (typeof name === 'string') {
      byName.set(name, { logicalId, resource: resource as TemplateResource });
    }
  }
  return byName;
}

/**
 * Resolves a state machine's `DefinitionString` (an `Fn::Join` with `Fn::GetAtt` ARNs)
 * to the ASL document, with each function ARN written as
 * `arn:aws:lambda:us-east-1:123456789012:function:<logical id>`.
 */
export function stateMachineDefinition(template: Template, logicalIdPrefix: string): any {
  const machines = template.findResources('AWS::StepFunctions::StateMachine');
  const entry = Object.entries(machines).find(([id]) => id.startsWith(logicalIdPrefix));
  if (!entry) {
    throw new Error(`no state machine whose logical id starts with ${logicalIdPrefix}`);
  }
  const definition = (entry[1] as TemplateResource).Properties.DefinitionString;
  return JSON.parse(resolveJoin(definition));
}

function resolveJoin(value: any): string {
  if (typeof value === 'string') {
    return value;
  }
  if (value['Fn::Join']) {
    const [separator, parts] = value['Fn::Join'] as [string, any[]];
    return parts.map(resolveJoin).join(separator);
  }
  if (value['Fn::GetAtt']) {
    return `arn:aws:lambda:us-east-1:123456789012:function:${value['Fn::GetAtt'][0]}`;
  }
  if (value.Ref) {
    return value.Ref === 'AWS::Partition' ? 'aws' : `ref-${value.Ref}`;
  }
  throw new Error(`cannot resolve ${JSON.stringify(value)} in a state machine definition`);
}

/** Returns the policy statements attached to a role, flattened. */
export function roleStatements(template: Template, roleLogicalId: string): any[] {
  const statements: any[] = [];
  for (const resource of Object.values(template.findResources('AWS::IAM::Policy'))) {
    const props = (resource as TemplateResource).Properties;
    if ((props.Roles as any[]).some((role) => role.Ref === roleLogicalId)) {
      statements.push(...props.PolicyDocument.Statement);
    }
  }
  return statements;
}
