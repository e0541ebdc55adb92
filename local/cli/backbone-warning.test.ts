import { afterEach, describe, expect, it, vi } from 'vitest';
import type { StackBackbone } from '../stack/stack-backbone.js';
import { untrainedBackboneWarning, warnIfUntrainedBackbone } from './backbone-warning.js';
import { Output } from './output.js';

const seeded: StackBackbone = {
  id: 'vgg16-seeded-w4-s1',
  featureLayer: 'fc2',
  untrained: true,
  dir: '/tmp/backbones/vgg16-seeded-w4-s1',
};

describe('untrainedBackboneWarning', () => {
  it('names an untrained backbone', () => {
    const warning = untrainedBackboneWarning({ localBackbone: seeded });

    expect(warning).toContain('vgg16-seeded-w4-s1 is untrained');
    expect(warning).toContain('--backbone');
    expect(warning).toContain('npm run build:weights');
    expect(warning).not.toContain('\n');
  });

  it('ignores a pretrained backbone', () => {
    const warning = untrainedBackboneWarning({ localBackbone: { ...seeded, untrained: false } });

    expect(warning).toBeUndefined();
  });

  it('ignores a target without a backbone', () => {
    // A deployed stack, or a local stack whose state file records no backbone.
    expect(untrainedBackboneWarning({})).toBeUndefined();
  });
});

describe('warnIfUntrainedBackbone', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  const capture = () => ({
    stdout: vi.spyOn(process.stdout, 'write').mockImplementation(() => true),
    stderr: vi.spyOn(process.stderr, 'write').mockImplementation(() => true),
  });

  it('writes one line to stderr in JSON mode', () => {
    const { stdout, stderr } = capture();
    warnIfUntrainedBackbone({ localBackbone: seeded }, new Output(true));

    expect(stdout).not.toHaveBeenCalled();
    expect(stderr).toHaveBeenCalledTimes(1);
    expect(String(stderr.mock.calls[0][0])).toMatch(/^warning: the local stack's backbone .*\n$/);
  });

  it('writes nothing for a pretrained backbone', () => {
    const { stdout, stderr } = capture();
    warnIfUntrainedBackbone({ localBackbone: { ...seeded, untrained: false } }, new Output(false));

    expect(stdout).not.toHaveBeenCalled();
    expect(stderr).not.toHaveBeenCalled();
  });
});
