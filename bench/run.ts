// Dispatches `npm run bench -- <name> [args…]` to bench/<name>.ts.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const benchmarks = ['train', 'extract', 'system'];
const [name, ...args] = process.argv.slice(2);

if (!name || !benchmarks.includes(name)) {
  console.error(`usage: npm run bench -- <${benchmarks.join('|')}> [options]`);
  process.exit(2);
}

const file = join(dirname(fileURLToPath(import.meta.url)), `${name}.ts`);
if (!existsSync(file)) {
  console.error(`benchmark '${name}' is not implemented yet (${file} is missing)`);
  process.exit(2);
}

process.argv = [process.argv[0], file, ...args];
const module = (await import(pathToFileURL(file).href)) as { main?: (argv: string[]) => Promise<void> };
if (typeof module.main !== 'function') {
  console.error(`${file} must export main(argv: string[])`);
  process.exit(2);
}
await module.main(args);
