/**
 * Seeded pseudo-random numbers: xoshiro128**, seeded through a splitmix32-style mixer. All arithmetic is 32-bit integer math, so a seed gives the same sequence
 * on every platform, and the 128-bit state can be saved and restored exactly.
 */
export class Prng {
  private readonly state = new Uint32Array(4);

  constructor(seed: number) {
    let s = seed >>> 0;
    for (let i = 0; i < 4; i++) {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      this.state[i] = (z ^ (z >>> 16)) >>> 0;
    }
    if ((this.state[0] | this.state[1] | this.state[2] | this.state[3]) === 0) {
      this.state[0] = 1;
    }
  }

  /** Restores a generator from {@link Prng.saveState} output. */
  static fromState(state: Uint32Array): Prng {
    const prng = new Prng(0);
    prng.state.set(state.subarray(0, 4));
    return prng;
  }

  /** Copies the 128-bit state. */
  saveState(): Uint32Array {
    return this.state.slice();
  }

  /** Draws a uniform unsigned 32-bit integer. */
  nextUint32(): number {
    const s = this.state;
    const result = Math.imul(rotateLeft(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotateLeft(s[3], 11);
    return result;
  }

  /** Draws a uniform number in [0, 1) with 32 random bits. */
  nextFloat(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Draws a uniform integer in [0, n) without modulo bias (n at most 2^32). */
  nextInt(n: number): number {
    const limit = 4294967296 - (4294967296 % n);
    for (;;) {
      const value = this.nextUint32();
      if (value < limit) {
        return value % n;
      }
    }
  }

  /** Shuffles `values` in place (Fisher-Yates). */
  shuffle(values: Int32Array): void {
    for (let i = values.length - 1; i > 0; i--) {
      const j = this.nextInt(i + 1);
      const swap = values[i];
      values[i] = values[j];
      values[j] = swap;
    }
  }
}

function rotateLeft(x: number, bits: number): number {
  return (x << bits) | (x >>> (32 - bits));
}

/** Hashes a string and a seed to an unsigned 32-bit integer (FNV-1a, then a murmur3 finalizer). */
export function hashString(text: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
