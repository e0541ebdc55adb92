/** A resource of a synthesized CloudFormation template. */
export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly Metadata?: Record<string, unknown>;
  readonly DependsOn?: string | string[];
}

/** The parts of a synthesized CloudFormation template that the local stack reads. */
export interface CfnTemplate {
  readonly Resources: Record<string, CfnResource>;
  readonly Outputs?: Record<string, { readonly Value: unknown }>;
}

/** Resolves references to resources of the template into local values. */
export interface IntrinsicResolver {
  /** The value of `{ Ref: logicalId }`, including pseudo parameters such as `AWS::Region`. */
  ref(logicalId: string): string;
  /** The value of `{ 'Fn::GetAtt': [logicalId, attribute] }`. */
  getAtt(logicalId: string, attribute: string): string;
}

/** Raised when a template lacks something the local stack needs or uses an unknown form. */
export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

/**
 * Resolves the intrinsic functions CDK emits (`Ref`, `Fn::GetAtt`, `Fn::Join`, `Fn::Sub`,
 * `Fn::Select`, `Fn::Split`) anywhere inside `value`.
 */
export function resolveIntrinsics(value: unknown, resolver: IntrinsicResolver): unknown {
  if (Array.isArray(value)) {
    return value.map((item) => resolveIntrinsics(item, resolver));
  }
  if (value === null || typeof value !== 'object') {
    return value;
  }

  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1) {
    const [key, argument] = entries[0];
    if (key === 'Ref' || key.startsWith('Fn::')) {
      return resolveFunction(key, argument, resolver);
    }
  }
  return Object.fromEntries(entries.map(([key, item]) => [key, resolveIntrinsics(item, resolver)]));
}

/** Resolves `value` and checks that the result is a string. */
export function resolveString(value: unknown, resolver: IntrinsicResolver, what: string): string {
  const resolved = resolveIntrinsics(value, resolver);
  if (typeof resolved !== 'string') {
    throw new TemplateError(`${what} must resolve to a string, got ${JSON.stringify(resolved)}`);
  }
  return resolved;
}

function resolveFunction(name: string, argument: unknown, resolver: IntrinsicResolver): unknown {
  switch (name) {
    case 'Ref':
      return resolver.ref(String(argument));
    case 'Fn::GetAtt':
      return resolveGetAtt(argument, resolver);
    case 'Fn::Join': {
      const [separator, parts] = argument as [string, unknown[]];
      const resolved = resolveIntrinsics(parts, resolver) as unknown[];
      return resolved.map((part) => String(part)).join(separator);
    }
    case 'Fn::Sub':
      return resolveSub(argument, resolver);
    case 'Fn::Select': {
      const [index, list] = argument as [unknown, unknown];
      const items = resolveIntrinsics(list, resolver) as unknown[];
      return items[Number(resolveIntrinsics(index, resolver))];
    }
    case 'Fn::Split': {
      const [separator, source] = argument as [string, unknown];
      return String(resolveIntrinsics(source, resolver)).split(separator);
    }
    default:
      throw new TemplateError(`intrinsic function ${name} is not supported by the local stack`);
  }
}

function resolveGetAtt(argument: unknown, resolver: IntrinsicResolver): string {
  if (typeof argument === 'string') {
    const dot = argument.indexOf('.');
    return resolver.getAtt(argument.slice(0, dot), argument.slice(dot + 1));
  }
  const [logicalId, attribute] = argument as [string, unknown];
  return resolver.getAtt(logicalId, String(resolveIntrinsics(attribute, resolver)));
}

function resolveSub(argument: unknown, resolver: IntrinsicResolver): string {
  const [text, variables] =
    typeof argument === 'string' ? [argument, {}] : (argument as [string, Record<string, unknown>]);
  const resolvedVariables = resolveIntrinsics(variables, resolver) as Record<string, unknown>;

  return text.replace(/\$\{([^}!][^}]*)\}/g, (_, name: string) => {
    if (name in resolvedVariables) {
      return String(resolvedVariables[name]);
    }
    const dot = name.indexOf('.');
    return dot > 0 ? resolver.getAtt(name.slice(0, dot), name.slice(dot + 1)) : resolver.ref(name);
  });
}

/** Returns the logical id that `{ Ref }` or `{ 'Fn::GetAtt' }` points at, if `value` is one. */
export function referencedLogicalId(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') {
    return undefined;
  }
  const record = value as Record<string, unknown>;
  if (typeof record.Ref === 'string') {
    return record.Ref;
  }
  const getAtt = record['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') {
    return getAtt[0];
  }
  if (typeof getAtt === 'string') {
    return getAtt.split('.')[0];
  }
  return undefined;
}

/** Lists the template's resources of one type as `[logicalId, resource]` pairs. */
export function resourcesOfType(template: CfnTemplate, type: string): [string, CfnResource][] {
  return Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
}
