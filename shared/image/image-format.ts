/** The container formats that decodeImage accepts. */
export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'gif';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function startsWith(bytes: Uint8Array, signature: readonly number[], offset = 0): boolean {
  if (bytes.length < offset + signature.length) {
    return false;
  }
  return signature.every((byte, i) => bytes[offset + i] === byte);
}

function ascii(text: string): number[] {
  return Array.from(text, (char) => char.charCodeAt(0));
}

/**
 * Detects the format from the file signature (magic bytes), so that only the four accepted
 * formats ever reach libvips: SVG, TIFF, HEIF and the rest are rejected before any decoding.
 * Returns undefined for anything else.
 */
export function sniffImageFormat(bytes: Uint8Array): ImageFormat | undefined {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) {
    return 'jpeg';
  }
  if (startsWith(bytes, PNG_SIGNATURE)) {
    return 'png';
  }
  if (startsWith(bytes, ascii('GIF87a')) || startsWith(bytes, ascii('GIF89a'))) {
    return 'gif';
  }
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) {
    return 'webp';
  }
  return undefined;
}

/**
 * Returns true when the bytes stop before the format's end marker. The markers are the EOI
 * marker FF D9 of a JPEG (trailing zero padding ignored), the IEND chunk of a PNG, the
 * trailer byte 0x3B of a GIF and, for a WebP, the size in its RIFF header.
 */
export function endsBeforeEndMarker(bytes: Uint8Array, format: ImageFormat): boolean {
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0) {
    end--;
  }

  switch (format) {
    case 'jpeg':
      return !(end >= 2 && bytes[end - 2] === 0xff && bytes[end - 1] === 0xd9);
    case 'png':
      return indexOfSequence(bytes, ascii('IEND'), Math.max(0, bytes.length - 64)) === -1;
    case 'gif':
      return bytes.length === 0 || bytes[bytes.length - 1] !== 0x3b;
    case 'webp': {
      if (bytes.length < 8) {
        return true;
      }
      const riffSize = new DataView(bytes.buffer, bytes.byteOffset, 8).getUint32(4, true);
      return bytes.length < riffSize + 8;
    }
  }
}

function indexOfSequence(bytes: Uint8Array, sequence: readonly number[], from: number): number {
  for (let i = from; i + sequence.length <= bytes.length; i++) {
    if (sequence.every((byte, j) => bytes[i + j] === byte)) {
      return i;
    }
  }
  return -1;
}
