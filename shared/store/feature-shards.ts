import { endianness } from 'node:os';
import { CorruptObjectError } from './errors.js';

/**
 * A training shard: a block of labelled feature vectors in one object.
 *
 * Layout (little-endian): magic `VPSH`, u32 format version, u32 row count, u32 dim,
 * then `rows` int32 class indices, then `rows * dim` float32 values, row-major. The
 * sample ids (image keys) are in the dataset manifest, in the same order.
 */
const MAGIC = 0x48535056; // 'VPSH' read as a little-endian u32
const FORMAT_VERSION = 1;
const HEADER_BYTES = 16;

/** One shard in memory. */
export interface ShardData {
  readonly dim: number;
  readonly labels: Int32Array;
  readonly features: Float32Array;
}

/** Encodes a shard, whose `features` contain `labels.length * dim` values. */
export function encodeShard(shard: ShardData): Uint8Array {
  requireLittleEndianHost();
  const rows = shard.labels.length;
  if (shard.features.length !== rows * shard.dim) {
    throw new RangeError(
      `a shard of ${rows} rows and dim ${shard.dim} needs ${rows * shard.dim} values, got ${shard.features.length}`,
    );
  }
  const bytes = new Uint8Array(HEADER_BYTES + rows * 4 + rows * shard.dim * 4);
  const header = new DataView(bytes.buffer);
  header.setUint32(0, MAGIC, true);
  header.setUint32(4, FORMAT_VERSION, true);
  header.setUint32(8, rows, true);
  header.setUint32(12, shard.dim, true);
  bytes.set(
    new Uint8Array(shard.labels.buffer, shard.labels.byteOffset, shard.labels.byteLength),
    HEADER_BYTES,
  );
  bytes.set(
    new Uint8Array(shard.features.buffer, shard.features.byteOffset, shard.features.byteLength),
    HEADER_BYTES + rows * 4,
  );
  return bytes;
}

/** Decodes a shard written by {@link encodeShard}; `key` names the object in errors. */
export function decodeShard(bytes: Uint8Array, key: string): ShardData {
  requireLittleEndianHost();
  if (bytes.byteLength < HEADER_BYTES) {
    throw new CorruptObjectError(key, `${bytes.byteLength} bytes is shorter than the shard header`);
  }
  const header = new DataView(bytes.buffer, bytes.byteOffset, HEADER_BYTES);
  if (header.getUint32(0, true) !== MAGIC) {
    throw new CorruptObjectError(key, 'it does not start with the shard magic VPSH');
  }
  const version = header.getUint32(4, true);
  if (version !== FORMAT_VERSION) {
    throw new CorruptObjectError(
      key,
      `shard format version ${version} is not supported (expected ${FORMAT_VERSION})`,
    );
  }
  const rows = header.getUint32(8, true);
  const dim = header.getUint32(12, true);
  const expected = HEADER_BYTES + rows * 4 + rows * dim * 4;
  if (bytes.byteLength !== expected) {
    throw new CorruptObjectError(
      key,
      `expected ${expected} bytes for ${rows} rows of dim ${dim}, found ${bytes.byteLength}`,
    );
  }

  // Copies into fresh, aligned buffers: the downloaded bytes may sit at any offset.
  const labels = new Int32Array(rows);
  new Uint8Array(labels.buffer).set(bytes.subarray(HEADER_BYTES, HEADER_BYTES + rows * 4));
  const features = new Float32Array(rows * dim);
  new Uint8Array(features.buffer).set(bytes.subarray(HEADER_BYTES + rows * 4));
  return { dim, labels, features };
}

function requireLittleEndianHost(): void {
  if (endianness() !== 'LE') {
    throw new Error(
      'training shards are stored little-endian; this host is big-endian, which is not supported',
    );
  }
}
