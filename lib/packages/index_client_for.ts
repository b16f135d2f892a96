/**
 * The index client an environment operation uses, on the indexes `decideIndexes` (lib/index)
 * decides from the settings (gestvenv's settings where set, pip's configuration otherwise, PyPI
 * by default) and a requirements file's own index options.
 *
 * @module
 */
import { httpTimeouts } from "../config/mod.ts";
import { artifactDir, openCache } from "../cache/mod.ts";
import {
  decideIndexes,
  type FileIndexOptions,
  HttpClient,
  IndexClient,
  type IndexFile,
} from "../index/mod.ts";
import { normalizeName } from "../names/mod.ts";
import { join, toFileUrl } from "../paths/mod.ts";
import type { EnvironmentContext } from "../environments/mod.ts";
import type { Interpreter } from "../python/mod.ts";

/** Options for {@linkcode indexClientFor}. */
export interface IndexClientForOptions {
  /** Revalidate cached index pages (`--refresh`). @default false */
  refresh?: boolean;
  /**
   * Interpreter whose build environments build sdist metadata when it is dynamic (PEP 517
   * `prepare_metadata_for_build_wheel`, through gestvenv's own builds; one build per core at a
   * time; a failure is remembered per sdist and interpreter until `refresh`); none = such sdists
   * fail.
   */
  buildInterpreter?: Interpreter | undefined;
  /** Index options from a requirements file (`--index-url` lines win over the settings). */
  fromFile?: FileIndexOptions;
  /** The HTTP client to use. @default one with the settings' timeouts, offline when they are */
  http?: HttpClient;
}

/**
 * The distribution files the package cache of `ctx` holds, by project: offline mode's files. Read
 * once (one query of the cache index) when the first project is looked up.
 */
function cachedFilesOf(ctx: EnvironmentContext): (name: string) => Promise<IndexFile[]> {
  let byProject: Promise<Map<string, IndexFile[]>> | undefined;
  const load = async () => {
    const cache = await openCache(ctx.home.cacheDir);
    try {
      const map = new Map<string, IndexFile[]>();
      for (const row of await cache.list()) {
        const localPath = join(artifactDir(cache.root, row.sha256), row.filename);
        const origin = row.origin !== null && /^https?:\/\//i.test(row.origin) ? row.origin : null;
        const file: IndexFile = {
          filename: row.filename,
          url: origin ?? toFileUrl(localPath),
          sha256: row.sha256,
          requiresPython: null,
          yanked: null,
          coreMetadata: false,
          size: row.size,
          uploadTime: null,
          localPath,
        };
        const list = map.get(row.project);
        if (list === undefined) map.set(row.project, [file]);
        else list.push(file);
      }
      return map;
    } finally {
      cache.close();
    }
  };
  return async (name) => (await (byProject ??= load())).get(normalizeName(name)) ?? [];
}

/**
 * Builds the index client for `ctx`, with the network timeouts of its settings. Offline
 * (`ctx.settings.offline`) it opens no connection and takes each project's files from the package
 * cache (see `localFiles` of `IndexClient`); in hybrid mode (`fallbackToOnline`) cached pages are
 * used whatever their age.
 */
export function indexClientFor(
  ctx: EnvironmentContext,
  options: IndexClientForOptions = {},
): IndexClient {
  const decision = decideIndexes(ctx.settings, options.fromFile);
  const build = options.buildInterpreter;
  const http = httpTimeouts(ctx.settings);
  const offline = ctx.settings.offline.value;
  return new IndexClient({
    indexes: decision.indexUrls,
    findLinks: decision.findLinks,
    cacheDir: ctx.home.cacheDir,
    localFiles: offline ? cachedFilesOf(ctx) : undefined,
    preferCachedPages: ctx.settings.fallbackToOnline.value,
    http: options.http ?? new HttpClient({
      offline,
      connectTimeoutMs: http.connectTimeoutMs,
      readTimeoutMs: http.readTimeoutMs,
      retries: http.retries,
      events: ctx.reporter,
      allowedSources: ctx.settings.allowedSources?.value,
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
