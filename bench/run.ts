// Dispatches `npm run bench -- <name> [args…]` to bench/<name>.ts. Exit codes: 0 on
// success and for --help, 1 when the benchmark fails, 2 for a usage error.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { isUsageError } from './arguments.js';

const benchmarks = ['train', 'extract', 'system', 'accuracy'];
const USAGE = `usage: npm run bench -- <${benchmarks.join('|')}> [options]
  train    seconds per epoch of the linear probe against tfjs-layers fit()
  extract  VGG16 feature extraction speed, cold start and memory
  system   extraction, training and predict latency on the local stack
  accuracy real-photo accuracy of both losses over seeds, and a cross-validation
Add --help after a name for its options.`;

const [name, ...args] = process.argv.slice(2);

if (name === '--help' || name === '-h') {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
if (name === undefined) {
  usageError(`missing benchmark name: use ${benchmarks.join(', ')}, or --help`);
}
if (!benchmarks.includes(name)) {
  usageError(`unknown benchmark '${name}': use ${benchmarks.join(', ')}, or --help`);
}

const file = join(dirname(fileURLToPath(import.meta.url)), `${name}.ts`);
if (!existsSync(file)) {
  console.error(`benchmark '${name}' is not implemented yet (${file} is missing)`);
  process.exit(1);
}

process.argv = [process.argv[0], file, ...args];
const module = (await import(pathToFileURL(file).href)) as {
  main?: (argv: string[]) => Promise<void>;
};
if (typeof module.main !== 'function') {
  console.error(`${file} must export main(argv: string[])`);
  process.exit(1);
}

try {
  await module.main(args);
} catch (error) {
  const message = error instanceof Error ? error.message.replace(/\.$/, '') : String(error);
  if (isUsageError(error)) {
    usageError(`bench ${name}: ${message}. Run npm run bench -- ${name} --help for the options.`);
  }
  console.error(`bench ${name} failed: ${message}`);
  process.exitCode = 1;
}

function usageError(message: string): never {
  console.error(message);
  process.exit(2);
}
