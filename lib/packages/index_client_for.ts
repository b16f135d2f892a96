/**
 * The index client an environment operation uses, on the indexes `decideIndexes` (lib/index)
 * decides from the settings (gestvenv's settings where set, pip's configuration otherwise, PyPI
 * by default) and a requirements file's own index options.
 *
 * @module
 */
import { httpTimeouts } from "../config/mod.ts";
import { decideIndexes, type FileIndexOptions, HttpClient, IndexClient } from "../index/mod.ts";
import type { EnvironmentContext } from "../environments/mod.ts";
import type { Interpreter } from "../python/mod.ts";

/** Options for {@linkcode indexClientFor}. */
export interface IndexClientForOptions {
  /** Revalidate cached index pages (`--refresh`). @default false */
  refresh?: boolean;
  /** Use only the cache (`--offline`). @default false */
  offline?: boolean;
  /**
   * Interpreter whose build environments build sdist metadata when it is dynamic (PEP 517
   * `prepare_metadata_for_build_wheel`, through gestvenv's own builds; one build per core at a
   * time; a failure is remembered per sdist and interpreter until `refresh`); none = such sdists
   * fail.
   */
  buildInterpreter?: Interpreter | undefined;
  /** Index options from a requirements file (`--index-url` lines win over the settings). */
  fromFile?: FileIndexOptions;
  /** The HTTP client to use. @default one with the settings' timeouts, offline when `offline` */
  http?: HttpClient;
}

/** Builds the index client for `ctx`, with the network timeouts of its settings. */
export function indexClientFor(
  ctx: EnvironmentContext,
  options: IndexClientForOptions = {},
): IndexClient {
  const decision = decideIndexes(ctx.settings, options.fromFile);
  const build = options.buildInterpreter;
  const http = httpTimeouts(ctx.settings);
  return new IndexClient({
    indexes: decision.indexUrls,
    findLinks: decision.findLinks,
    cacheDir: ctx.home.cacheDir,
    http: options.http ?? new HttpClient({
      offline: options.offline ?? false,
      connectTimeoutMs: http.connectTimeoutMs,
      readTimeoutMs: http.readTimeoutMs,
    }),
    refresh: options.refresh ?? false,
    buildMetadata: build === undefined ? undefined : {
      id: `${build.realPath} ${build.info.version}`,
      build: async (path, sha256) => {
        // Imported when needed: building runs the resolver and the installer, which use this.
        const { sdistMetadataReader } = await import("./sync_lock.ts");
        return await sdistMetadataReader(ctx, build)(path, sha256);
      },
    },
  });
}
