import { argmax } from './forward-pass.js';
import type { ScoredSamples } from './metrics.js';
import { softmax } from './softmax-loss.js';

/**
 * Chooses for each class c the confidence threshold t that maximizes the F1 of c when a
 * sample counts as predicted c only if c is its top class and its confidence is at least t.
 * Samples whose top class is c are ranked by confidence; for each cut between two distinct
 * confidences F1 = 2 TP / (2 TP + FP + FN), with FN counting every true c not accepted.
 * The threshold is the midpoint between the lowest accepted and the highest rejected
 * confidence, or 0 when accepting all is best. On equal F1 the lower threshold wins.
 */
export function chooseThresholds(samples: ScoredSamples, numClasses: number): number[] {
  const predictions: { confidence: number; correct: boolean }[][] = Array.from({ length: numClasses }, () => []);
  const support = new Array<number>(numClasses).fill(0);
  const probabilities = new Float64Array(numClasses);

  for (let i = 0; i < samples.labels.length; i++) {
    const at = i * numClasses;
    const label = samples.labels[i];
    const predicted = argmax(samples.scores, at, numClasses);
    softmax(samples.scores.subarray(at, at + numClasses), probabilities);
    predictions[predicted].push({ confidence: probabilities[predicted], correct: predicted === label });
    support[label]++;
  }

  return predictions.map((list, k) => bestThreshold(list, support[k]));
}

function bestThreshold(predictions: { confidence: number; correct: boolean }[], support: number): number {
  if (predictions.length === 0) {
    return 0;
  }
  predictions.sort((a, b) => b.confidence - a.confidence);

  let truePositives = 0;
  let bestF1 = -1;
  let bestThreshold = 0;
  for (let accepted = 1; accepted <= predictions.length; accepted++) {
    if (predictions[accepted - 1].correct) {
      truePositives++;
    }
    const next = predictions[accepted];
    if (next !== undefined && next.confidence === predictions[accepted - 1].confidence) {
      continue;
    }
    const falsePositives = accepted - truePositives;
    const falseNegatives = support - truePositives;
    const f1 = (2 * truePositives) / (2 * truePositives + falsePositives + falseNegatives || 1);
    if (f1 >= bestF1) {
      bestF1 = f1;
      bestThreshold = next === undefined ? 0 : (predictions[accepted - 1].confidence + next.confidence) / 2;
    }
  }
  return bestThreshold;
}
