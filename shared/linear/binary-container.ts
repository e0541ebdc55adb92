// Self-describing binary container shared by model artifacts and checkpoints:
//
//   bytes 0-7    signature, ASCII ('VGGPMODL' for a model, 'VGGPCKPT' for a checkpoint)
//   bytes 8-11   schema version, uint32 little-endian
//   bytes 12-15  header length H, uint32 little-endian (a multiple of 8)
//   bytes 16-..  header, UTF-8 JSON padded with spaces to H bytes; its `blocks` field lists
//                every block as { name, dtype, offset, length } (offset in bytes from the
//                start of the file, length in elements)
//   blocks       little-endian typed arrays, each at an offset that is a multiple of 8
//   last 4 bytes CRC-32 (IEEE) of every byte before it, uint32 little-endian
import { crc32 } from './crc32.js';
import { LinearProbeError } from './errors.js';

/** Kind of file, identified by its signature. */
export type ContainerKind = 'model' | 'checkpoint';

/** Typed arrays that a block can hold. */
export type BlockArray = Float32Array | Float64Array | Uint32Array | Int32Array;

type BlockType = 'float32' | 'float64' | 'uint32' | 'int32';

interface BlockEntry {
  readonly name: string;
  readonly dtype: BlockType;
  readonly offset: number;
  readonly length: number;
}

/** Parsed contents of a container. */
export interface ContainerContents {
  readonly version: number;
  readonly header: Record<string, unknown>;
  readonly blocks: ReadonlyMap<string, BlockArray>;
}

const SIGNATURES: Record<ContainerKind, string> = { model: 'VGGPMODL', checkpoint: 'VGGPCKPT' };
const PREFIX_BYTES = 16;
const CHECKSUM_BYTES = 4;

/** Serializes a JSON header and named typed arrays. */
export function writeContainer(
  kind: ContainerKind,
  version: number,
  header: Record<string, unknown>,
  blocks: Readonly<Record<string, BlockArray>>,
): Uint8Array {
  requireLittleEndian();
  const encoder = new TextEncoder();
  const names = Object.keys(blocks);

  // The header holds the block offsets, which depend on the header length: grow the
  // reserved header size until the encoded header fits.
  let headerBytes = 0;
  let encoded = new Uint8Array(0);
  let entries: BlockEntry[] = [];
  for (;;) {
    let offset = PREFIX_BYTES + headerBytes;
    entries = names.map((name) => {
      const array = blocks[name];
      const entry = { name, dtype: blockType(array), offset, length: array.length };
      offset = align8(offset + array.byteLength);
      return entry;
    });
    encoded = encoder.encode(JSON.stringify({ ...header, blocks: entries }));
    if (encoded.length <= headerBytes) {
      break;
    }
    headerBytes = align8(encoded.length);
  }

  const last = entries[entries.length - 1];
  const bodyEnd = last ? align8(last.offset + blocks[last.name].byteLength) : PREFIX_BYTES + headerBytes;
  const bytes = new Uint8Array(bodyEnd + CHECKSUM_BYTES);
  const view = new DataView(bytes.buffer);

  bytes.set(encoder.encode(SIGNATURES[kind]), 0);
  view.setUint32(8, version, true);
  view.setUint32(12, headerBytes, true);
  bytes.fill(0x20, PREFIX_BYTES, PREFIX_BYTES + headerBytes);
  bytes.set(encoded, PREFIX_BYTES);
  for (const entry of entries) {
    const array = blocks[entry.name];
    bytes.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), entry.offset);
  }
  view.setUint32(bodyEnd, crc32(bytes.subarray(0, bodyEnd)), true);
  return bytes;
}

/**
 * Parses a container of the given kind and schema version. Raises ARTIFACT_WRONG_KIND,
 * ARTIFACT_UNSUPPORTED_VERSION or ARTIFACT_CORRUPTED with what was found.
 */
export function readContainer(bytes: Uint8Array, kind: ContainerKind, supportedVersion: number): ContainerContents {
  requireLittleEndian();
  const description = kind === 'model' ? 'model artifact' : 'checkpoint';
  if (!(bytes instanceof Uint8Array) || bytes.length < PREFIX_BYTES + CHECKSUM_BYTES) {
    throw corrupted(`The ${description} is ${bytes?.length ?? 0} bytes long, too short to be valid.`);
  }

  const signature = String.fromCharCode(...bytes.subarray(0, 8));
  if (signature !== SIGNATURES[kind]) {
    const other = (Object.keys(SIGNATURES) as ContainerKind[]).find((k) => SIGNATURES[k] === signature);
    throw new LinearProbeError(
      'ARTIFACT_WRONG_KIND',
      other
        ? `These bytes are a vgg-probe ${other}, not a ${description}. Pass the file of the right kind.`
        : `These bytes are not a vgg-probe ${description}: they start with ${JSON.stringify(signature)} ` +
          `in place of '${SIGNATURES[kind]}'. Check the file name or download it again.`,
      { signature, expected: SIGNATURES[kind] },
    );
  }

  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== supportedVersion) {
    throw new LinearProbeError(
      'ARTIFACT_UNSUPPORTED_VERSION',
      `The ${description} has schema version ${version} but this vgg-probe reads version ${supportedVersion}. ` +
        (version > supportedVersion ? 'Upgrade vgg-probe.' : 'Train the model again with this version.'),
      { version, supported: supportedVersion },
    );
  }

  const bodyEnd = bytes.length - CHECKSUM_BYTES;
  const stored = view.getUint32(bodyEnd, true);
  const computed = crc32(bytes.subarray(0, bodyEnd));
  if (stored !== computed) {
    throw corrupted(
      `The ${description} fails its checksum (stored ${hex(stored)}, computed ${hex(computed)}): ` +
        'the bytes were truncated or altered. Download or train it again.',
    );
  }

  const header = parseHeader(bytes, view, bodyEnd, description);
  const blocks = new Map<string, BlockArray>();
  for (const entry of header.blocks as BlockEntry[]) {
    blocks.set(entry.name, readBlock(bytes, entry, bodyEnd, description));
  }
  const { blocks: _entries, ...rest } = header;
  return { version, header: rest, blocks };
}

function parseHeader(bytes: Uint8Array, view: DataView, bodyEnd: number, description: string): Record<string, unknown> {
  const headerBytes = view.getUint32(12, true);
  if (PREFIX_BYTES + headerBytes > bodyEnd) {
    throw corrupted(`The ${description} declares a ${headerBytes}-byte header, longer than the file.`);
  }
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(PREFIX_BYTES, PREFIX_BYTES + headerBytes)));
  } catch (error) {
    throw corrupted(`The header of the ${description} is not valid JSON (${(error as Error).message}).`);
  }
  if (typeof header !== 'object' || header === null || !Array.isArray((header as { blocks?: unknown }).blocks)) {
    throw corrupted(`The header of the ${description} has no block list.`);
  }
  return header as Record<string, unknown>;
}

function readBlock(bytes: Uint8Array, entry: BlockEntry, bodyEnd: number, description: string): BlockArray {
  const size = { float32: 4, float64: 8, uint32: 4, int32: 4 }[entry.dtype];
  const valid =
    typeof entry.name === 'string' &&
    size !== undefined &&
    Number.isInteger(entry.offset) &&
    Number.isInteger(entry.length) &&
    entry.offset >= PREFIX_BYTES &&
    entry.length >= 0 &&
    entry.offset + entry.length * size <= bodyEnd;
  if (!valid) {
    throw corrupted(`Block ${JSON.stringify(entry)} of the ${description} lies outside the file or has an unknown type.`);
  }

  const start = bytes.byteOffset + entry.offset;
  const copy = bytes.buffer.slice(start, start + entry.length * size);
  switch (entry.dtype) {
    case 'float32':
      return new Float32Array(copy);
    case 'float64':
      return new Float64Array(copy);
    case 'uint32':
      return new Uint32Array(copy);
    case 'int32':
      return new Int32Array(copy);
  }
}

function blockType(array: BlockArray): BlockType {
  if (array instanceof Float32Array) return 'float32';
  if (array instanceof Float64Array) return 'float64';
  if (array instanceof Uint32Array) return 'uint32';
  return 'int32';
}

function align8(n: number): number {
  return Math.ceil(n / 8) * 8;
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}

function corrupted(message: string): LinearProbeError {
  return new LinearProbeError('ARTIFACT_CORRUPTED', message);
}

function requireLittleEndian(): void {
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
    // NOTE: blocks are copied with the host byte order; a big-endian host would need byte swaps.
    throw new Error('vgg-probe model files need a little-endian host (x86-64 or ARM64).');
  }
}
