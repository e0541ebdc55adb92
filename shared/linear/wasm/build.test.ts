import { describe, expect, it } from 'vitest';
import { assembleKernels, renderBinaryModule } from './build.js';
import { DENSE_KERNELS_WASM_BASE64 } from './dense-kernels-binary.js';

describe('dense kernel build', () => {
  it('binary module matches the source', async () => {
    const bytes = await assembleKernels();

    expect(Buffer.from(DENSE_KERNELS_WASM_BASE64, 'base64')).toEqual(Buffer.from(bytes));
  });

  it('rendered module round-trips the bytes', () => {
    const bytes = Uint8Array.from({ length: 300 }, (_, i) => (i * 37) % 256);
    const source = renderBinaryModule(bytes);
    const base64 = [...source.matchAll(/'([A-Za-z0-9+/=]+)'/g)].map((match) => match[1]).join('');

    expect(Buffer.from(base64, 'base64')).toEqual(Buffer.from(bytes));
  });
});
