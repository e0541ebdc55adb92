import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { LocalStackInfo } from './local-stack.js';

/** The record that a running local stack leaves for the other CLI commands. */
export interface LocalStackState extends LocalStackInfo {
  /** The process that runs the stack. */
  readonly pid: number;
  readonly startedAt: string;
  readonly dataDir: string;
}

/** Returns the path of the state file inside a data folder. */
export function stateFilePath(dataDir: string): string {
  return join(dataDir, 'stack.json');
}

export async function writeStateFile(state: LocalStackState): Promise<void> {
  const file = stateFilePath(state.dataDir);
  await mkdir(dirname(file), { recursive: true });
  // The file contains the API key, so only the owner may read it.
  await writeFile(file, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
}

/** Removes the state file if it still belongs to process `pid`. */
export async function removeStateFile(dataDir: string, pid: number): Promise<void> {
  const state = await readStateFile(dataDir);
  if (state?.pid === pid) {
    await rm(stateFilePath(dataDir), { force: true });
  }
}

/** Reads the state file, or returns undefined when there is none. */
export async function readStateFile(dataDir: string): Promise<LocalStackState | undefined> {
  const file = stateFilePath(dataDir);
  if (!existsSync(file)) {
    return undefined;
  }
  return JSON.parse(await readFile(file, 'utf8')) as LocalStackState;
}

/** Tells whether a process with this id is running. */
export function isProcessRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM means the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
