/**
 * Which indexes and find-links locations apply: decided here, once, for the resolver's index
 * client, the lock installer and the pip and uv adapters alike.
 *
 * @module
 */
import type { ResolvedSettings } from "../config/mod.ts";
import { assertSourceAllowed } from "./source_check.ts";

/** The default index: PyPI's simple API. */
export const DEFAULT_INDEX_URL = "https://pypi.org/simple";

/** Index options a requirements file gives (`--index-url`, `--extra-index-url`, …). */
export interface FileIndexOptions {
  /** `--index-url` / `-i`: replaces the primary index. */
  indexUrl?: string | undefined;
  /** `--extra-index-url`: searched before the settings' extra indexes. */
  extraIndexUrls?: readonly string[] | undefined;
  /** `--find-links` / `-f`: searched before the settings' locations. */
  findLinks?: readonly string[] | undefined;
  /** `--no-index`: no index at all, only find-links. */
  noIndex?: boolean | undefined;
}

/** The indexes and find-links locations an operation reads. */
export interface IndexDecision {
  /** Index URLs in precedence order, the primary first; empty with `noIndex`. */
  indexUrls: string[];
  /** Directories or HTML pages listing distribution files. */
  findLinks: string[];
  /** No index is read (only `findLinks`). */
  noIndex: boolean;
  /**
   * Offline (`--offline`): only `file://` indexes and local find-links may be read; the others
   * stay listed, since gestvenv's own client reads their cached pages. @default false
   */
  offline?: boolean;
}

/** Whether a location is on this machine (a `file://` URL or a path): usable offline. */
export function isLocalLocation(location: string): boolean {
  return location.startsWith("file://") || !/^[a-z][a-z0-9+.-]*:\/\//i.test(location);
}

/**
 * The decision as a tool that reads the network itself (pip, uv) may use it: offline, only local
 * indexes and find-links remain, and `noIndex` when no index does.
 */
export function localOnly(decision: IndexDecision): IndexDecision {
  if (decision.offline !== true) return decision;
  const indexUrls = decision.indexUrls.filter(isLocalLocation);
  return {
    indexUrls,
    findLinks: decision.findLinks.filter(isLocalLocation),
    noIndex: decision.noIndex || indexUrls.length === 0,
    offline: true,
  };
}

/**
 * Decides the indexes from the settings (each key by its own precedence: flag, `GESTVENV_*`,
 * config, pip's configuration, default; see `ResolvedSettings`), as pip does per option:
 *
 * - primary index: the file's `--index-url`, else the `indexUrl` setting, else PyPI;
 * - extra indexes: the file's, then the `extraIndexUrls` setting;
 * - find-links: the file's, then the `findLinks` setting;
 * - `--no-index` in the file: no index;
 * - offline (the `offline` setting): recorded, for the tools (see {@linkcode localOnly}).
 *
 * So with only `find_links` configured, the indexes are still pip's (or PyPI), for resolution and
 * for every backend.
 *
 * With `security.allowed_sources` (`settings.allowedSources`), every index and find-links
 * location is checked here, before anything reads it (issue 12 §3).
 * @throws {SourceNotAllowedError} for a location outside the list: exit 10 when the settings
 *   named it, 1 when a requirements file did.
 */
export function decideIndexes(
  settings:
    & Pick<ResolvedSettings, "indexUrl" | "extraIndexUrls" | "findLinks">
    & Partial<Pick<ResolvedSettings, "offline" | "allowedSources">>,
  file: FileIndexOptions = {},
): IndexDecision {
  const noIndex = file.noIndex ?? false;
  const primary = file.indexUrl ?? settings.indexUrl.value ?? DEFAULT_INDEX_URL;
  const allowed = settings.allowedSources?.value;
  if (allowed !== undefined) {
    if (!noIndex) {
      assertSourceAllowed(primary, allowed, "index", file.indexUrl === undefined);
      for (const url of file.extraIndexUrls ?? []) assertSourceAllowed(url, allowed, "extra index");
      for (const url of settings.extraIndexUrls.value) {
        assertSourceAllowed(url, allowed, "extra index", true);
      }
    }
    for (const link of file.findLinks ?? []) {
      assertSourceAllowed(link, allowed, "find-links location");
    }
    for (const link of settings.findLinks.value) {
      assertSourceAllowed(link, allowed, "find-links location", true);
    }
  }
  return {
    indexUrls: noIndex
      ? []
      : [primary, ...(file.extraIndexUrls ?? []), ...settings.extraIndexUrls.value],
    findLinks: [...(file.findLinks ?? []), ...settings.findLinks.value],
    noIndex,
    offline: settings.offline?.value ?? false,
  };
}
