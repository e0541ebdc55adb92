#!/usr/bin/env node
// Entry point of `npx vgg-probe`: registers tsx's loader in this process and runs the
// TypeScript CLI from source, so the CLI needs no build step.
import { register } from 'tsx/esm/api';

register();
await import('../local/cli/main.ts');
