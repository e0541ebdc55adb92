import { endianness } from 'node:os';
import { CorruptObjectError } from './errors.js';

/**
 * Feature vectors are stored as raw little-endian float32 values, `4 * dim` bytes with no
 * header; the dimension and the source ETag travel in the object's metadata.
 */
const HOST_IS_LITTLE_ENDIAN = endianness() === 'LE';

/** Returns the little-endian float32 bytes of `vector`. */
export function encodeFeatureVector(vector: Float32Array): Uint8Array {
  requireLittleEndianHost();
  return new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength);
}

/** Decodes little-endian float32 bytes; `key` names the object in errors. */
export function decodeFeatureVector(
  bytes: Uint8Array,
  key: string,
  expectedDim?: number,
): Float32Array {
  requireLittleEndianHost();
  if (bytes.byteLength === 0 || bytes.byteLength % 4 !== 0) {
    throw new CorruptObjectError(
      key,
      `${bytes.byteLength} bytes is not a whole number of float32 values`,
    );
  }
  const dim = bytes.byteLength / 4;
  if (expectedDim !== undefined && dim !== expectedDim) {
    throw new CorruptObjectError(key, `expected ${expectedDim} float32 values, found ${dim}`);
  }
  const copy = new Float32Array(dim);
  new Uint8Array(copy.buffer).set(bytes);
  return copy;
}

function requireLittleEndianHost(): void {
  if (!HOST_IS_LITTLE_ENDIAN) {
    throw new Error(
      'feature vectors are stored little-endian; this host is big-endian, which is not supported',
    );
  }
}
