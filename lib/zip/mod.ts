/**
 * Zip archives (wheels, PEP 427; zip sdists): a random-access reader of the central directory
 * (zip64 included) and of single entries, bounded against hostile archives, and the checks the
 * cache needs to unpack whole wheels (CRC-32, sizes, local headers against the central directory,
 * unsafe names, symlinks, duplicates, compression ratios).
 *
 * @module
 */
export * from "./zip_reader.ts";
export * from "./crc32.ts";
export * from "./archive_checks.ts";
