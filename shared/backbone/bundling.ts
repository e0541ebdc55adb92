/**
 * The banner an ES-module esbuild bundle needs for the WASM backend. On Node, the Emscripten
 * loaders inside tfjs-backend-wasm call `require('fs')` and read `__dirname`, which an ES
 * module does not have. Without this banner they fail with "Dynamic require of fs is not
 * supported". CommonJS bundles need no banner.
 */
export const ESM_BUNDLE_BANNER = [
  "import { createRequire as __vggProbeCreateRequire } from 'node:module';",
  "import { fileURLToPath as __vggProbeFileURLToPath } from 'node:url';",
  "import { dirname as __vggProbeDirname } from 'node:path';",
  'const require = __vggProbeCreateRequire(import.meta.url);',
  'const __filename = __vggProbeFileURLToPath(import.meta.url);',
  'const __dirname = __vggProbeDirname(__filename);',
].join('\n');
