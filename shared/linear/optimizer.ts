import type { Hyperparameters } from './hyperparameters.js';

/** Returns the learning rate of `epoch` (0-based) under the schedule of `h`. */
export function learningRateAt(h: Hyperparameters, epoch: number): number {
  const schedule = h.schedule;
  switch (schedule.type) {
    case 'constant':
      return h.learningRate;
    case 'step':
      return h.learningRate * schedule.factor ** Math.floor(epoch / schedule.everyEpochs);
    case 'cosine': {
      const progress = Math.min(1, epoch / h.maxEpochs);
      const cosine = 0.5 * (1 + Math.cos(Math.PI * progress));
      return schedule.minLearningRate + (h.learningRate - schedule.minLearningRate) * cosine;
    }
  }
}

/**
 * Applies one SGD step with momentum to `params` in place:
 * v <- mu * v + g, then params <- params - lr * v (classical) or
 * params <- params - lr * (g + mu * v) (Nesterov, in the form that evaluates the gradient
 * at the current parameters).
 */
export function momentumStep(
  params: Float32Array,
  velocity: Float32Array,
  grad: Float64Array,
  learningRate: number,
  momentum: number,
  nesterov: boolean,
): void {
  for (let i = 0; i < params.length; i++) {
    const v = momentum * velocity[i] + grad[i];
    velocity[i] = v;
    const step = nesterov ? grad[i] + momentum * v : v;
    params[i] -= learningRate * step;
  }
}
