import {
  type CfnTemplate,
  type IntrinsicResolver,
  referencedLogicalId,
  resolveIntrinsics,
  resolveString,
  TemplateError,
} from './cloudformation.js';

/** An Amazon States Language definition as parsed JSON. */
export type StateMachineDefinition = Record<string, unknown> & {
  readonly StartAt: string;
  readonly States: Record<string, Record<string, unknown>>;
};

/** A state machine of the template with its definition resolved to local ARNs. */
export interface TemplateStateMachine {
  readonly logicalId: string;
  readonly definition: StateMachineDefinition;
}

/** Finds the resource that a stack output points at with `Ref` or `Fn::GetAtt`. */
export function outputLogicalId(template: CfnTemplate, outputName: string): string {
  const output = template.Outputs?.[outputName];
  if (!output) {
    const known = Object.keys(template.Outputs ?? {}).join(', ') || 'none';
    throw new TemplateError(`the template has no output ${outputName} (outputs: ${known})`);
  }

  const logicalId = referencedLogicalId(output.Value);
  if (!logicalId) {
    throw new TemplateError(`output ${outputName} must be a Ref or Fn::GetAtt of a resource`);
  }
  return logicalId;
}

/**
 * Reads the definition of the state machine that a stack output (for example
 * `TrainingStateMachineArn`) refers to, with every intrinsic function resolved.
 */
export function readStateMachine(
  template: CfnTemplate,
  resolver: IntrinsicResolver,
  outputName: string,
): TemplateStateMachine {
  const logicalId = outputLogicalId(template, outputName);
  const resource = template.Resources[logicalId];
  if (resource?.Type !== 'AWS::StepFunctions::StateMachine') {
    throw new TemplateError(
      `output ${outputName} must refer to an AWS::StepFunctions::StateMachine`,
    );
  }

  const properties = resource.Properties ?? {};
  let definition: unknown;
  if (properties.Definition !== undefined) {
    definition = resolveIntrinsics(properties.Definition, resolver);
  } else if (properties.DefinitionString !== undefined) {
    let text = resolveString(
      properties.DefinitionString,
      resolver,
      `${logicalId}.DefinitionString`,
    );
    text = substitute(text, properties.DefinitionSubstitutions, resolver);
    definition = JSON.parse(text);
  } else {
    throw new TemplateError(
      `${logicalId} has no inline definition; a DefinitionS3Location cannot be read locally`,
    );
  }

  if (!isDefinition(definition)) {
    throw new TemplateError(`${logicalId} has no StartAt and States in its definition`);
  }
  return { logicalId, definition };
}

function substitute(text: string, substitutions: unknown, resolver: IntrinsicResolver): string {
  if (!substitutions) {
    return text;
  }
  const values = resolveIntrinsics(substitutions, resolver) as Record<string, unknown>;
  return text.replace(/\$\{([^}]+)\}/g, (placeholder, name: string) =>
    name in values ? String(values[name]) : placeholder,
  );
}

function isDefinition(value: unknown): value is StateMachineDefinition {
  const record = value as Record<string, unknown> | null;
  return (
    typeof record === 'object' &&
    record !== null &&
    typeof record.StartAt === 'string' &&
    typeof record.States === 'object'
  );
}
