/**
 * Sets of versions of one package, as bit sets over the package's known candidate versions
 * (sorted ascending). PubGrub needs union, intersection, complement and subset tests; with a
 * finite, known domain these are word-wise bit operations.
 *
 * @module
 */

/** An immutable set of version indices `0..size-1`. */
export class VersionSet {
  readonly size: number;
  readonly #words: Uint32Array;

  private constructor(size: number, words: Uint32Array) {
    this.size = size;
    this.#words = words;
  }

  /** The empty set over a domain of `size` versions. */
  static empty(size: number): VersionSet {
    return new VersionSet(size, new Uint32Array(Math.ceil(size / 32)));
  }

  /** Every version of the domain. */
  static full(size: number): VersionSet {
    const words = new Uint32Array(Math.ceil(size / 32)).fill(0xffffffff);
    const rest = size % 32;
    if (rest !== 0) words[words.length - 1] = (1 << rest) - 1 >>> 0;
    return new VersionSet(size, words);
  }

  /** The set of the given indices. */
  static of(size: number, indices: Iterable<number>): VersionSet {
    const words = new Uint32Array(Math.ceil(size / 32));
    for (const i of indices) words[i >>> 5]! |= 1 << (i & 31);
    return new VersionSet(size, words);
  }

  /** The indices for which `predicate` holds. */
  static where(size: number, predicate: (index: number) => boolean): VersionSet {
    const words = new Uint32Array(Math.ceil(size / 32));
    for (let i = 0; i < size; i++) if (predicate(i)) words[i >>> 5]! |= 1 << (i & 31);
    return new VersionSet(size, words);
  }

  has(index: number): boolean {
    return (this.#words[index >>> 5]! & (1 << (index & 31))) !== 0;
  }

  isEmpty(): boolean {
    return this.#words.every((w) => w === 0);
  }

  count(): number {
    let n = 0;
    for (let w of this.#words) {
      while (w !== 0) {
        w &= w - 1;
        n++;
      }
    }
    return n;
  }

  #map(other: VersionSet, f: (a: number, b: number) => number): VersionSet {
    const words = new Uint32Array(this.#words.length);
    for (let i = 0; i < words.length; i++) words[i] = f(this.#words[i]!, other.#words[i]!);
    return new VersionSet(this.size, words);
  }

  intersect(other: VersionSet): VersionSet {
    return this.#map(other, (a, b) => a & b);
  }

  union(other: VersionSet): VersionSet {
    return this.#map(other, (a, b) => a | b);
  }

  /** `this \ other`. */
  minus(other: VersionSet): VersionSet {
    return this.#map(other, (a, b) => a & ~b);
  }

  complement(): VersionSet {
    return VersionSet.full(this.size).minus(this);
  }

  isSubsetOf(other: VersionSet): boolean {
    for (let i = 0; i < this.#words.length; i++) {
      if ((this.#words[i]! & ~other.#words[i]!) !== 0) return false;
    }
    return true;
  }

  isDisjoint(other: VersionSet): boolean {
    for (let i = 0; i < this.#words.length; i++) {
      if ((this.#words[i]! & other.#words[i]!) !== 0) return false;
    }
    return true;
  }

  equals(other: VersionSet): boolean {
    return this.size === other.size && this.#words.every((w, i) => w === other.#words[i]);
  }

  /** Members, ascending. */
  *indices(): Generator<number> {
    for (let i = 0; i < this.size; i++) if (this.has(i)) yield i;
  }

  /** Up to `limit` members, descending (highest first), skipping empty words. */
  highest(limit: number): number[] {
    const out: number[] = [];
    for (let w = this.#words.length - 1; w >= 0 && out.length < limit; w--) {
      const word = this.#words[w]!;
      if (word === 0) continue;
      for (let b = 31; b >= 0 && out.length < limit; b--) {
        if ((word & (1 << b)) !== 0) out.push(w * 32 + b);
      }
    }
    return out;
  }

  /** Up to `limit` members, ascending (lowest first), skipping empty words. */
  lowest(limit: number): number[] {
    const out: number[] = [];
    for (let w = 0; w < this.#words.length && out.length < limit; w++) {
      const word = this.#words[w]!;
      if (word === 0) continue;
      for (let b = 0; b < 32 && out.length < limit; b++) {
        if ((word & (1 << b)) !== 0) out.push(w * 32 + b);
      }
    }
    return out;
  }

  /** A string key for maps. */
  key(): string {
    return Array.from(this.#words, (w) => w.toString(36)).join(".");
  }
}
