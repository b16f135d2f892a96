/**
 * The index client an environment operation uses, on the indexes `decideIndexes` (lib/index)
 * decides from the settings (gestvenv's settings where set, pip's configuration otherwise, PyPI
 * by default) and a requirements file's own index options.
 *
 * @module
 */
import { buildSdistMetadata } from "../backends/mod.ts";
import { httpTimeouts } from "../config/mod.ts";
import { decideIndexes, type FileIndexOptions, HttpClient, IndexClient } from "../index/mod.ts";
import type { EnvironmentContext } from "../environments/mod.ts";

/** Options for {@linkcode indexClientFor}. */
export interface IndexClientForOptions {
  /** Revalidate cached index pages (`--refresh`). @default false */
  refresh?: boolean;
  /** Use only the cache (`--offline`). @default false */
  offline?: boolean;
  /**
   * Interpreter whose pip builds sdist metadata when it is dynamic (one build per core at a
   * time; a failure is remembered per sdist and interpreter until `refresh`); none = such sdists
   * fail.
   */
  buildPython?: string | undefined;
  /** Index options from a requirements file (`--index-url` lines win over the settings). */
  fromFile?: FileIndexOptions;
}

/** Builds the index client for `ctx`, with the network timeouts of its settings. */
export function indexClientFor(
  ctx: EnvironmentContext,
  options: IndexClientForOptions = {},
): IndexClient {
  const decision = decideIndexes(ctx.settings, options.fromFile);
  const build = options.buildPython;
  const http = httpTimeouts(ctx.settings);
  return new IndexClient({
    indexes: decision.indexUrls,
    findLinks: decision.findLinks,
    cacheDir: ctx.home.cacheDir,
    http: new HttpClient({
      offline: options.offline ?? false,
      connectTimeoutMs: http.connectTimeoutMs,
      readTimeoutMs: http.readTimeoutMs,
    }),
    refresh: options.refresh ?? false,
    buildMetadata: build === undefined ? undefined : {
      id: build,
      build: (path) => buildSdistMetadata(build, path, { index: decision, http }),
    },
  });
}
