import { argmax } from './forward-pass.js';
import { softmax } from './softmax-loss.js';

/** Options of an evaluation. */
export interface EvaluationOptions {
  /** k of the top-k accuracy. @default min(5, number of classes) */
  readonly topK?: number;
  /** Most confidently wrong samples listed per class. @default 5 */
  readonly mistakesPerClass?: number;
}

/** Precision, recall and F1 of one class; 0 where a denominator is 0. */
export interface ClassMetrics {
  readonly label: string;
  /** Samples whose true class this is. */
  readonly support: number;
  /** Samples predicted as this class. */
  readonly predicted: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

/** A wrong prediction, with the confidence of the predicted class. */
export interface ConfidentMistake {
  readonly id: string;
  readonly predicted: string;
  readonly confidence: number;
}

/** Metrics of a model on labelled data. */
export interface EvaluationReport {
  readonly sampleCount: number;
  readonly accuracy: number;
  readonly topK: number;
  /** Share of samples whose true class is among the k highest scores. */
  readonly topKAccuracy: number;
  readonly macroPrecision: number;
  readonly macroRecall: number;
  readonly macroF1: number;
  readonly perClass: readonly ClassMetrics[];
  /** confusionMatrix[true class][predicted class] = sample count. */
  readonly confusionMatrix: readonly (readonly number[])[];
  /** Per true class, its misclassified samples by decreasing confidence. */
  readonly mostConfidentlyWrong: Readonly<Record<string, readonly ConfidentMistake[]>>;
  /** Mean data loss of the model's loss function, when computed. */
  readonly meanLoss: number | null;
}

/**
 * Scores of labelled samples: `scores` contains K values per sample. Confidence is the
 * softmax of a sample's scores, for both losses.
 */
export interface ScoredSamples {
  readonly scores: Float64Array;
  readonly labels: Int32Array;
  readonly ids: readonly string[];
}

/** Computes the evaluation report of scored samples. */
export function computeEvaluation(
  samples: ScoredSamples,
  classNames: readonly string[],
  options: EvaluationOptions = {},
  meanLoss: number | null = null,
): EvaluationReport {
  const numClasses = classNames.length;
  const count = samples.labels.length;
  const topK = Math.min(options.topK ?? 5, numClasses);
  const mistakesPerClass = options.mistakesPerClass ?? 5;
  const confusion = classNames.map(() => new Array<number>(numClasses).fill(0));
  const mistakes: ConfidentMistake[][] = classNames.map(() => []);
  const probabilities = new Float64Array(numClasses);
  let correct = 0;
  let topKCorrect = 0;

  for (let i = 0; i < count; i++) {
    const at = i * numClasses;
    const label = samples.labels[i];
    const predicted = argmax(samples.scores, at, numClasses);
    confusion[label][predicted]++;
    if (predicted === label) {
      correct++;
    } else {
      softmax(samples.scores.subarray(at, at + numClasses), probabilities);
      mistakes[label].push({ id: samples.ids[i], predicted: classNames[predicted], confidence: probabilities[predicted] });
    }
    if (rankOf(samples.scores, at, numClasses, label) < topK) {
      topKCorrect++;
    }
  }

  const perClass = classNames.map((label, k) => classMetrics(label, k, confusion));
  const mean = (pick: (c: ClassMetrics) => number): number =>
    perClass.reduce((sum, c) => sum + pick(c), 0) / numClasses;

  return {
    sampleCount: count,
    accuracy: count > 0 ? correct / count : 0,
    topK,
    topKAccuracy: count > 0 ? topKCorrect / count : 0,
    macroPrecision: mean((c) => c.precision),
    macroRecall: mean((c) => c.recall),
    macroF1: mean((c) => c.f1),
    perClass,
    confusionMatrix: confusion,
    mostConfidentlyWrong: Object.fromEntries(
      classNames.map((label, k) => [
        label,
        mistakes[k].sort((a, b) => b.confidence - a.confidence || compareIds(a.id, b.id)).slice(0, mistakesPerClass),
      ]),
    ),
    meanLoss,
  };
}

/** Number of classes that score strictly higher than `label` (0 for the top class). */
function rankOf(scores: Float64Array, at: number, numClasses: number, label: number): number {
  let higher = 0;
  for (let k = 0; k < numClasses; k++) {
    if (scores[at + k] > scores[at + label]) {
      higher++;
    }
  }
  return higher;
}

function classMetrics(label: string, k: number, confusion: number[][]): ClassMetrics {
  const truePositives = confusion[k][k];
  const support = confusion[k].reduce((a, b) => a + b, 0);
  const predicted = confusion.reduce((sum, row) => sum + row[k], 0);
  const precision = predicted > 0 ? truePositives / predicted : 0;
  const recall = support > 0 ? truePositives / support : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { label, support, predicted, precision, recall, f1 };
}

function compareIds(a: string, b: string): number {
  if (a === b) {
    return 0;
  }
  return a < b ? -1 : 1;
}
