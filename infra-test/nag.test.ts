import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { synthStack, type SynthesizedStack } from './synth-stack.js';

let synthesized: SynthesizedStack;

beforeAll(() => {
  synthesized = synthStack({}, { bundle: false });
});

function acknowledgments(root: IConstruct): Array<{ path: string; id: string; reason: string }> {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          id,
          reason,
        })),
      ),
  );
}

describe('cdk-nag AwsSolutions', () => {
  it('reports no unacknowledged finding', () => {
    const report = new AwsSolutionsChecks(synthesized.app).validateScope(synthesized.app);
    const findings = report.violations.flatMap((violation) =>
      violation.violatingResources.map(
        (resource) => `${violation.ruleName} at ${resource.constructPath}`,
      ),
    );
    expect(findings).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('gives every acknowledgment a reason', () => {
    const nagAcknowledgments = acknowledgments(synthesized.app).filter((a) =>
      a.id.includes('AwsSolutions-'),
    );
    expect(nagAcknowledgments.length).toBeGreaterThan(0);
    for (const acknowledgment of nagAcknowledgments) {
      expect(
        acknowledgment.reason.length,
        `${acknowledgment.id} at ${acknowledgment.path}`,
      ).toBeGreaterThan(40);
    }
  });

  it('acknowledges no rule stack-wide', () => {
    const stackLevel = acknowledgments(synthesized.app).filter(
      (a) => a.path === 'VggProbe' || a.path === '',
    );
    expect(stackLevel).toEqual([]);
  });

  it('still finds a new wildcard', async () => {
    const { app, stack } = synthStack({}, { bundle: false });
    const { PolicyStatement } = await import('aws-cdk-lib/aws-iam');
    stack.api.predict.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['s3:*'], resources: ['*'] }),
    );
    const report = new AwsSolutionsChecks(app).validateScope(app);
    const rules = report.violations.map((violation) => violation.ruleName);
    expect(rules).toContain('AwsSolutions-IAM5[Action::s3:*]');
  });
});
