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

/**
 * Reads the state file. Returns undefined when there is none, or when it is not a JSON
 * object with a process id, as a stack killed while writing the file can leave it.
 */
export async function readStateFile(dataDir: string): Promise<LocalStackState | undefined> {
  const file = stateFilePath(dataDir);
  if (!existsSync(file)) {
    return undefined;
  }
  let state: Partial<LocalStackState> | null;
  try {
    state = JSON.parse(await readFile(file, 'utf8')) as Partial<LocalStackState> | null;
  } catch {
    return undefined;
  }
  return typeof state?.pid === 'number' ? (state as LocalStackState) : undefined;
}

/**
 * Returns the stack recorded in a data folder when its process runs and its control server
 * is reachable, or undefined otherwise. The request to the server catches a stack that no
 * longer serves, and a process id that the system gave to another process after the stack
 * ended.
 */
export async function findLiveStack(
  dataDir: string,
  timeoutMs = 3000,
): Promise<LocalStackState | undefined> {
  const state = await readStateFile(dataDir);
  if (!state || !isProcessRunning(state.pid)) {
    return undefined;
  }
  return (await isStackReachable(state, timeoutMs)) ? state : undefined;
}

/**
 * Tells whether the control server of a recorded stack is reachable: it returns 200 for
 * `GET /local/status`, or it accepts the connection but sends no response within
 * `timeoutMs`. The second case counts as reachable because feature extraction can block
 * the stack's event loop for seconds, while the kernel still accepts connections.
 */
export async function isStackReachable(
  state: Pick<LocalStackState, 'stepFunctionsEndpoint'>,
  timeoutMs = 3000,
): Promise<boolean> {
  try {
    const response = await fetch(new URL('/local/status', state.stepFunctionsEndpoint), {
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.arrayBuffer();
    return response.ok;
  } catch (error) {
    return (error as Error).name === 'TimeoutError';
  }
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
