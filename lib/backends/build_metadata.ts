/**
 * Metadata of a source distribution whose dependencies are dynamic (PEP 643): pip prepares it
 * through the project's PEP 517 build backend in an isolated build environment
 * (`pip install --dry-run --no-deps --report`), and the reported metadata (PEP 566 JSON form)
 * is turned back into core-metadata text.
 *
 * @module
 */
import type { HttpTimeouts } from "../config/mod.ts";
import type { IndexDecision } from "../index/mod.ts";
import { BackendError } from "../errors/mod.ts";
import { failIfUnsuccessful, runTool } from "./_run_tool.ts";
import { pipIndexEnv, pipNetworkArgs } from "./_index_args.ts";

interface ReportMetadata {
  metadata_version?: string;
  name: string;
  version: string;
  requires_dist?: string[];
  requires_python?: string;
  provides_extra?: string[];
  summary?: string;
}

/** Options for {@linkcode buildSdistMetadata}. */
export interface BuildSdistMetadataOptions {
  /**
   * The decided indexes (`decideIndexes` in lib/index): the build dependencies come from them.
   * @default pip's own configuration
   */
  index?: IndexDecision | undefined;
  /** gestvenv's network timeouts. @default the index client's defaults */
  http?: HttpTimeouts | undefined;
}

/**
 * Builds the core metadata of the sdist at `path` with `python -m pip` (pip ≥ 22.2), in a
 * temporary directory; returns METADATA text. Requires `--allow-run` and `--allow-write`.
 * @throws {BackendError} when pip is missing or the build fails (its output in `details`).
 */
export async function buildSdistMetadata(
  python: string,
  path: string,
  options: BuildSdistMetadataOptions = {},
): Promise<string> {
  const result = await runTool(python, [
    "-m",
    "pip",
    "install",
    "--dry-run",
    "--no-deps",
    "--ignore-installed",
    "--quiet",
    "--report",
    "-",
    ...pipNetworkArgs(options.http),
    path,
  ], { env: options.index === undefined ? {} : pipIndexEnv(options.index) });
  failIfUnsuccessful("pip", `build the metadata of ${path}`, result);
  let metadata: ReportMetadata | undefined;
  try {
    metadata = (JSON.parse(result.stdout) as { install: { metadata: ReportMetadata }[] }).install[0]
      ?.metadata;
  } catch (error) {
    throw new BackendError(`pip's report for ${path} is not JSON`, {
      cause: error,
      details: result.stdout,
    });
  }
  if (metadata === undefined) throw new BackendError(`pip reported no metadata for ${path}`);
  return [
    `Metadata-Version: ${metadata.metadata_version ?? "2.1"}`,
    `Name: ${metadata.name}`,
    `Version: ${metadata.version}`,
    ...(metadata.summary ? [`Summary: ${metadata.summary}`] : []),
    ...(metadata.requires_python ? [`Requires-Python: ${metadata.requires_python}`] : []),
    ...(metadata.provides_extra ?? []).map((e) => `Provides-Extra: ${e}`),
    ...(metadata.requires_dist ?? []).map((d) => `Requires-Dist: ${d}`),
    "",
    "",
  ].join("\n");
}
