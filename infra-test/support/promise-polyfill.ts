// aws-local-stepfunctions 3.0.0 calls Promise.withResolvers (ES2024), which Node.js 20 lacks.
// Import this module before that package.
const constructor = Promise as unknown as { withResolvers?: unknown };
if (typeof constructor.withResolvers !== 'function') {
  constructor.withResolvers = function withResolvers<T>() {
    let resolve!: (value: T | PromiseLike<T>) => void;
    let reject!: (reason?: unknown) => void;
    const promise = new Promise<T>((onResolve, onReject) => {
      resolve = onResolve;
      reject = onReject;
    });
    return { promise, resolve, reject };
  };
}
export {};
