import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  findLiveStack,
  type LocalStackState,
  readStateFile,
  stateFilePath,
  writeStateFile,
} from './state-file.js';

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('state file', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'vgg-probe-state-'));
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  const writeState = (content: string) => writeFile(stateFilePath(dataDir), content);

  it('reads a truncated file as no stack', async () => {
    await writeState('{"pid": 12');

    expect(await readStateFile(dataDir)).toBeUndefined();
  });

  it('reads an empty file as no stack', async () => {
    await writeState('');

    expect(await readStateFile(dataDir)).toBeUndefined();
  });

  it('keeps the backbone', async () => {
    const backbone = { id: 'tiny-seeded', featureLayer: 'fc2', untrained: true, dir: '/backbone' };
    await writeStateFile({ pid: process.pid, dataDir, backbone } as unknown as LocalStackState);

    expect((await readStateFile(dataDir))?.backbone).toEqual(backbone);
  });

  it('ignores a live process whose stack does not respond', async () => {
    // A closed server's port refuses connections, as the port of a stack that ended does.
    const closed = createServer();
    const endpoint = await listen(closed);
    await new Promise((resolve) => closed.close(resolve));
    await writeState(JSON.stringify({ pid: process.pid, stepFunctionsEndpoint: endpoint }));

    expect(await findLiveStack(dataDir)).toBeUndefined();
  });

  it('counts a busy stack as live', async () => {
    // The server accepts connections but never responds, as a stack busy extracting does.
    const busy = createServer(() => undefined);
    const endpoint = await listen(busy);
    try {
      await writeState(JSON.stringify({ pid: process.pid, stepFunctionsEndpoint: endpoint }));

      expect((await findLiveStack(dataDir, 200))?.pid).toBe(process.pid);
    } finally {
      busy.closeAllConnections();
      await new Promise((resolve) => busy.close(resolve));
    }
  });

  it('finds a stack that responds', async () => {
    const control = createServer((request, response) => {
      response.writeHead(request.url === '/local/status' ? 200 : 404).end('{}');
    });
    const endpoint = await listen(control);
    try {
      await writeState(JSON.stringify({ pid: process.pid, stepFunctionsEndpoint: endpoint }));

      expect((await findLiveStack(dataDir))?.pid).toBe(process.pid);
    } finally {
      await new Promise((resolve) => control.close(resolve));
    }
  });
});
