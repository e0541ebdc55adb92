import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classImage } from './support/images.js';
import { startReliabilityStack, type ReliabilityStack } from './reliability-stack.js';

/**
 * Training inputs that cannot work: each execution of the real state machine on the local
 * stack fails, and its cause names the problem.
 */
describe('training input', () => {
  let env: ReliabilityStack;
  let runs = 0;

  beforeAll(async () => {
    env = await startReliabilityStack({ name: 'training-input' });
  });

  afterAll(async () => {
    await env?.close();
  });

  const uploadClass = async (label: string, kind: 'warm' | 'cool', count: number) => {
    for (let i = 0; i < count; i++) {
      await env.put(`images/${label}/${label}-${i}.png`, await classImage(kind, i));
    }
    await env.drain();
  };

  /** Runs an execution and returns its record, which must have failed. */
  const failedRun = async (input: unknown) => {
    runs += 1;
    const record = await env.train(input, `bad-input-${runs}`);
    expect(record.status, `output: ${record.output}`).toBe('FAILED');
    return record;
  };

  it('fails without feature vectors', async () => {
    const record = await failedRun({});

    expect(record.cause).toMatch(/no feature vectors/);
  });

  it('fails on a single class', async () => {
    await uploadClass('circles', 'warm', 12);

    const record = await failedRun({});

    expect(record.cause).toMatch(/only one class \(circles\)/);
  });

  it('fails on an unknown loss name', async () => {
    await uploadClass('squares', 'cool', 12);

    const record = await failedRun({ loss: 'hinge' });

    expect(record.cause).toContain('loss must be "svm" or "softmax", got "hinge"');
  });

  it('fails on a negative learning rate', async () => {
    const record = await failedRun({ learningRate: -0.1 });

    expect(record.cause).toContain('learningRate: -0.1');
  });

  it('fails on zero epochs', async () => {
    const record = await failedRun({ epochs: 0 });

    expect(record.cause).toMatch(/\bepochs: 0\b/);
  });

  it('fails on a label subset with an absent label', async () => {
    const record = await failedRun({ labels: ['circles', 'zebras'] });

    expect(record.cause).toMatch(/no feature vectors for the selected labels: zebras$/);
  });

  it('causes are readable sentences', async () => {
    const record = await failedRun({ loss: 'hinge' });

    expect(record.cause).not.toMatch(/"trace"|errorType/);
  });

  it('trains once the input is valid', async () => {
    const record = await env.train({ loss: 'svm', epochs: 5 }, 'valid-after-bad');

    expect(record.cause).toBeUndefined();
    expect(record.status).toBe('SUCCEEDED');
  });
});
