/**
 * Bundles: a portable, verifiable copy of cached artifacts (or of one environment and every
 * artifact its lock needs) in one tar archive, plain, gzip or zstd. A bundle holds
 * `gestvenv-bundle.json` (the versioned manifest: every file with its sha256, size, project,
 * version, origin and kind), the artifacts under `files/`, each wheel's METADATA (PEP 658), and a
 * PEP 503 `simple/` tree, so the extracted bundle is also an index for pip, uv or any tool
 * (`--index-url file:///…/simple`). Importing verifies everything before anything enters the
 * cache, and is atomic.
 *
 * @module
 */
export * from "./bundle_manifest.ts";
export * from "./compression.ts";
export * from "./simple_tree.ts";
export * from "./tar_writer.ts";
export * from "./select_artifacts.ts";
export * from "./write_bundle.ts";
export * from "./read_bundle.ts";
export * from "./download_missing.ts";
