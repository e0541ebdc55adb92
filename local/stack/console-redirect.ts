import { createWriteStream, mkdirSync } from 'node:fs';
import { Console } from 'node:console';
import { dirname } from 'node:path';

/**
 * Replaces the global `console` with one that appends to `logFile`, and returns a function
 * that restores the original console and closes the file.
 *
 * The handlers' Powertools Logger (in dev mode), TensorFlow.js and the other libraries
 * they load print through the global console. The CLI prints through `process.stdout`
 * directly, so its output stays on the terminal.
 */
export function redirectConsole(logFile: string): () => Promise<void> {
  mkdirSync(dirname(logFile), { recursive: true });
  const stream = createWriteStream(logFile, { flags: 'a' });
  const original = globalThis.console;
  const fileConsole = new Console({ stdout: stream, stderr: stream });

  Object.defineProperty(globalThis, 'console', {
    value: fileConsole,
    writable: true,
    configurable: true,
  });

  return () =>
    new Promise<void>((resolve) => {
      Object.defineProperty(globalThis, 'console', {
        value: original,
        writable: true,
        configurable: true,
      });
      stream.end(() => resolve());
    });
}
