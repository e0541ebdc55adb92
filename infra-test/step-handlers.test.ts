import { beforeAll, describe, expect, it } from 'vitest';
import { lambdaContext } from './support/lambda-context.js';

let validateInput: typeof import('../functions/validate-input/handler.js').handler;
let describeFailure: typeof import('../functions/describe-failure/handler.js').handler;

beforeAll(async () => {
  process.env.BUCKET_NAME = 'unused';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL = process.env.TEST_LOG_LEVEL ?? 'SILENT';
  validateInput = (await import('../functions/validate-input/handler.js')).handler;
  describeFailure = (await import('../functions/describe-failure/handler.js')).handler;
});

describe('validate-input handler', () => {
  const validate = (input: unknown, runId = 'run-1') =>
    validateInput({ input, runId }, lambdaContext('validate-input'));

  it('accepts an empty input with defaults', async () => {
    const run = await validate({});
    expect(run.runId).toBe('run-1');
    expect(run.config).toEqual({ split: 'hash', validationFraction: 0.2, seed: 0 });
    expect(run.candidates).toEqual([{ id: 'softmax-auto', loss: 'softmax' }]);
    expect(run.version).toMatch(/^\d{8}T\d{6}Z-run-1$/);
  });

  it('passes hyperparameters through', async () => {
    const run = await validate({
      loss: 'svm',
      epochs: 30,
      learningRate: 0.01,
      regularization: 0.001,
      batchSize: 32,
      seed: 7,
    });
    expect(run.candidates).toEqual([{ id: 'svm-0.001', loss: 'svm', regularization: 0.001 }]);
    expect(run.config).toMatchObject({ epochs: 30, learningRate: 0.01, batchSize: 32, seed: 7 });
  });

  it('expands a sweep into candidates', async () => {
    const run = await validate({
      sweep: { losses: ['svm', 'softmax'], regularizations: [0.0001, 0.01] },
    });
    expect(run.candidates.map((c) => c.id)).toEqual([
      'svm-0.0001',
      'svm-0.01',
      'softmax-0.0001',
      'softmax-0.01',
    ]);
  });

  it('makes the execution name key-safe', async () => {
    const run = await validate({}, 'my run:1');
    expect(run.runId).toBe('my-run-1');
  });

  it.each([
    [{ loss: 'hinge' }, 'loss must be "svm" or "softmax"'],
    [{ epochs: 0 }, 'Invalid epochs: 0'],
    [{ learningRate: -1 }, 'learningRate'],
    [{ batchSize: 2.5 }, 'batchSize'],
    [{ validationFraction: 0.9 }, 'validationFraction'],
    [{ seed: -3 }, 'seed'],
    [{ labels: ['cats'] }, 'at least two'],
    [{ labels: ['cats', 'bad label'] }, 'not a valid label'],
    [{ split: 'random' }, 'split'],
    [{ colour: 'red' }, 'unknown input field(s) colour'],
    [{ sweep: { losses: [] } }, 'non-empty array'],
    [{ sweep: { regularizations: Array.from({ length: 17 }, (_, i) => i / 100) } }, 'at most 16'],
    [{ featureLayer: '../x' }, 'featureLayer'],
    [{ epochsPerChunk: 0 }, 'epochsPerChunk'],
  ])('rejects %j', async (input, fragment) => {
    await expect(validate(input)).rejects.toMatchObject({ name: 'InvalidTrainingInput' });
    await expect(validate(input)).rejects.toThrow(fragment);
  });
});

describe('describe-failure handler', () => {
  const describe_ = (error: string, cause: string) =>
    describeFailure({ error, cause }, lambdaContext('describe-failure'));

  it('extracts the message of a Lambda error', async () => {
    const cause = JSON.stringify({
      errorType: 'SingleClass',
      errorMessage: 'only one class (cats)',
      trace: ['at x'],
    });
    expect(await describe_('SingleClass', cause)).toEqual({
      error: 'SingleClass',
      cause: 'only one class (cats)',
    });
  });

  it('explains a timeout', async () => {
    const result = await describe_('States.Timeout', 'Task timed out');
    expect(result.cause).toBe(
      "a step ran longer than its timeout: Task timed out; see the function's logs",
    );
  });

  it('keeps a plain-text cause', async () => {
    expect((await describe_('Oops', 'plain words')).cause).toBe('plain words');
  });

  it('truncates a long cause', async () => {
    expect((await describe_('Big', 'x'.repeat(40_000))).cause.length).toBe(32_000);
  });
});
