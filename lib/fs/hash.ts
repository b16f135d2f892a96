/**
 * Incremental hashing (sha256 and the other RECORD/lock algorithms) for data that streams: a
 * download written to disk, a file inflated out of a wheel.
 *
 * It uses `node:crypto`, imported lazily on first use: Web Crypto (`crypto.subtle.digest`) cannot
 * hash a stream, and `node:crypto` hashes at ~870 MB/s here against ~90 MB/s for pure-JS hashers
 * (libraries.md row 9). The import boots Deno's Node layer (~30 ms), so only the commands that
 * hash a download or an unpacked wheel pay it, never start-up.
 *
 * @module
 */

/** A hash being computed over chunks. */
export interface Hasher {
  /** Adds bytes. */
  update(bytes: Uint8Array): void;
  /** The digest as lowercase hex; the hasher cannot be used afterwards. */
  hex(): string;
  /** The digest as unpadded URL-safe base64 (RECORD's form); the hasher cannot be used after. */
  base64url(): string;
}

/** Algorithms gestvenv verifies (PEP 427 RECORD "sha256 or better"; PEP 751 hashes). */
export type HashAlgorithm = "sha256" | "sha384" | "sha512";

let nodeCrypto: Promise<typeof import("node:crypto")> | undefined;

/** A new incremental hasher for `algorithm` (sha256 by default). */
export async function createHasher(algorithm: HashAlgorithm = "sha256"): Promise<Hasher> {
  return (await hasherFactory())(algorithm);
}

/**
 * A synchronous maker of hashers, once the hashing module is loaded (for code that must start a
 * new hash without awaiting, e.g. on each retry of a download).
 */
export async function hasherFactory(): Promise<(algorithm?: HashAlgorithm) => Hasher> {
  nodeCrypto ??= import("node:crypto");
  const { createHash } = await nodeCrypto;
  return (algorithm = "sha256") => {
    const hash = createHash(algorithm);
    return {
      update: (bytes) => void hash.update(bytes),
      hex: () => hash.digest("hex"),
      base64url: () => hash.digest("base64url"),
    };
  };
}
