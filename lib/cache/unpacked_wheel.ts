/**
 * The contract between the cache and the installer: an unpacked wheel is a manifest of the
 * archive's files, each stored once in the cache's file store under its sha256.
 *
 * @module
 */

/** One file of an unpacked wheel. */
export interface UnpackedFile {
  /** Path inside the wheel archive, `/`-separated, relative (validated: no `..`, no absolute). */
  path: string;
  /** sha256 of the file's bytes, lowercase hex (verified against RECORD while unpacking). */
  sha256: string;
  /** Size in bytes. */
  size: number;
  /** Whether the archive marks the file executable (unix mode bits in the zip entry). */
  executable: boolean;
}

/**
 * A wheel unpacked into the cache's content-addressed file store (binary distribution format
 * spec). Its files are read or linked from {@linkcode UnpackedWheel.storedFile}; they must never be
 * modified in place (they may be hard links shared by many environments).
 */
export interface UnpackedWheel {
  /** The wheel's file name (PEP 427), e.g. `six-1.16.0-py2.py3-none-any.whl`. */
  filename: string;
  /** sha256 of the wheel archive itself, lowercase hex. */
  sha256: string;
  /** Every file of the archive, RECORD included, in archive order. */
  files: readonly UnpackedFile[];
  /**
   * Absolute path of the stored file with this sha256 (to link or copy from). Stored files are
   * read-only: mode 0444, or 0555 for the copy of an executable file. The same content can be
   * stored twice, once per mode (a hard link shares its mode, so an executable and a plain file
   * with equal bytes cannot be one inode): pass the file's `executable` to get the right copy.
   * @param executable The {@linkcode UnpackedFile.executable} of the file. @default false
   */
  storedFile(sha256: string, executable?: boolean): string;
}
