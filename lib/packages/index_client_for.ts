/**
 * The index client an environment operation uses: gestvenv's index settings where set, pip's
 * configuration otherwise (so resolution sees the same indexes as pip), PyPI by default.
 *
 * @module
 */
import { buildSdistMetadata } from "../backends/mod.ts";
import { ownIndexSettings, readPipIndexSettings } from "../config/mod.ts";
import { HttpClient, IndexClient } from "../index/mod.ts";
import type { EnvironmentContext } from "../environments/mod.ts";

/** The default index (PyPI's simple API). */
export const DEFAULT_INDEX_URL = "https://pypi.org/simple";

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
  /** Extra index settings from a requirements file (`--index-url` lines win over config). */
  fromFile?: {
    indexUrl?: string | undefined;
    extraIndexUrls?: string[];
    findLinks?: string[];
    noIndex?: boolean;
  };
}

/**
 * Builds the index client for `ctx`, with the network timeouts of its settings. Reads pip's
 * configuration (`--allow-read`, `--allow-env`).
 */
export async function indexClientFor(
  ctx: EnvironmentContext,
  options: IndexClientForOptions = {},
): Promise<IndexClient> {
  const own = ownIndexSettings(ctx.settings);
  const pip = await readPipIndexSettings();
  const file = options.fromFile ?? {};
  const primary = file.indexUrl ?? own.indexUrl ?? pip.indexUrl ?? DEFAULT_INDEX_URL;
  const extras = [
    ...(file.extraIndexUrls ?? []),
    ...(own.indexUrl !== undefined || own.extraIndexUrls.length > 0
      ? own.extraIndexUrls
      : pip.extraIndexUrls),
  ];
  const findLinks = [
    ...(file.findLinks ?? []),
    ...(own.findLinks.length > 0 || own.indexUrl !== undefined ? own.findLinks : pip.findLinks),
  ];
  const build = options.buildPython;
  const http = own.http;
  return new IndexClient({
    indexes: file.noIndex ? [] : [primary, ...extras],
    findLinks,
    cacheDir: ctx.home.cacheDir,
    http: new HttpClient({
      offline: options.offline ?? false,
      connectTimeoutMs: http?.connectTimeoutMs,
      readTimeoutMs: http?.readTimeoutMs,
    }),
    refresh: options.refresh ?? false,
    buildMetadata: build === undefined ? undefined : {
      id: build,
      build: (path) => buildSdistMetadata(build, path, { index: own }),
    },
  });
}
