import type { TemplateFunction } from '../template/functions.js';

/** Variables of the template that must not reach this process. */
const SKIPPED_VARIABLES = new Set([
  // Source maps are on already, and NODE_OPTIONS would leak into child processes.
  'NODE_OPTIONS',
]);

/** Local values that replace or add to the template's variables. */
export interface LocalEnvironmentOverrides {
  readonly bucketName: string;
  readonly s3Endpoint: string;
  /** The folder with the backbone weights; the template's `/opt/backbone` exists only in Lambda. */
  readonly backboneDir?: string;
  readonly featureLayer?: string;
  /** @default 'us-east-1' */
  readonly region?: string;
}

/**
 * Computes the environment the handlers run with in this process: the union of every
 * function's template variables, then the local overrides, then the Powertools settings
 * that route logs and metrics through the global `console` (see `console-redirect.ts`).
 *
 * All functions share one process, so a variable that differs between functions keeps
 * the first function's value and is listed in `conflicts`.
 */
export function handlerEnvironment(
  functions: readonly TemplateFunction[],
  overrides: LocalEnvironmentOverrides,
): { variables: Record<string, string>; conflicts: string[] } {
  const variables: Record<string, string> = {};
  const conflicts = new Set<string>();

  for (const definition of functions) {
    for (const [name, value] of Object.entries(definition.environment)) {
      if (SKIPPED_VARIABLES.has(name)) {
        continue;
      }
      if (name in variables && variables[name] !== value) {
        conflicts.add(name);
        continue;
      }
      variables[name] = value;
    }
  }

  variables.BUCKET_NAME = overrides.bucketName;
  variables.S3_ENDPOINT = overrides.s3Endpoint;
  variables.AWS_REGION = overrides.region ?? 'us-east-1';
  if (overrides.backboneDir) {
    variables.VGG_PROBE_BACKBONE_DIR = overrides.backboneDir;
  } else {
    delete variables.VGG_PROBE_BACKBONE_DIR;
  }
  if (overrides.featureLayer) {
    variables.VGG_PROBE_FEATURE_LAYER = overrides.featureLayer;
  }

  // Dev mode makes the Powertools Logger write through the global console, which the
  // local stack sends to its log file. Metrics stay on and take the same path.
  variables.POWERTOOLS_DEV = 'true';
  variables.POWERTOOLS_METRICS_DISABLED = 'false';

  const overridden = new Set([
    'BUCKET_NAME',
    'S3_ENDPOINT',
    'AWS_REGION',
    'VGG_PROBE_BACKBONE_DIR',
  ]);
  if (overrides.featureLayer) {
    overridden.add('VGG_PROBE_FEATURE_LAYER');
  }
  return { variables, conflicts: [...conflicts].filter((name) => !overridden.has(name)) };
}

/** Sets variables in `process.env` and returns a function that restores the old values. */
export function applyEnvironment(variables: Record<string, string>): () => void {
  const previous = new Map<string, string | undefined>();
  for (const [name, value] of Object.entries(variables)) {
    previous.set(name, process.env[name]);
    process.env[name] = value;
  }
  return () => {
    for (const [name, value] of previous) {
      if (value === undefined) {
        delete process.env[name];
      } else {
        process.env[name] = value;
      }
    }
  };
}
