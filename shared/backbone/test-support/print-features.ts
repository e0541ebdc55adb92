// Prints the feature vector of one image as JSON, so tests can compare backend settings
// that are global to a process (the thread count) across separate processes.
// Usage: tsx print-features.ts BACKBONE_DIR THREADS IMAGE_PATH
import { readFile } from 'node:fs/promises';

import { createFeatureExtractor } from '../feature-extractor.js';

const [backboneDir, threads, imagePath] = process.argv.slice(2);
const extractor = await createFeatureExtractor({ backboneDir, threads: Number(threads) });
const features = await extractor.extract(await readFile(imagePath));
process.stdout.write(
  JSON.stringify({ threads: extractor.backend.threads, features: Array.from(features) }),
);
extractor.dispose();
