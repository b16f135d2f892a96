/**
 * `doctor --suggest`: `info` findings that are not problems but cost disk or time, each with the
 * command that acts on it: a cache over `cache.max_size` (`suggest.cache_size`), environments
 * whose files are not shared with the cache because pip or uv installed them
 * (`suggest.backend`), environments unused for {@linkcode UNUSED_DAYS} days (`suggest.unused`),
 * and distributions installed as copies in several environments where links to the cache would
 * do (`suggest.copies`: files on the cache's filesystem that are not its stored file; not looked
 * for under `link_mode = clone` or `copy`, see {@linkcode SuggestOptions.linkMode}).
 *
 * @module
 */
import type { EnvironmentRecord } from "../environments/mod.ts";
import { pathExists, treeSize } from "../fs/mod.ts";
import { defaultLinkMode } from "../installer/mod.ts";
import { inspectVirtualenv } from "../virtualenv/mod.ts";
import { sizeArgument } from "./cache_checks.ts";
import { scanCopies } from "./copy_scan.ts";
import type { DoctorCheck } from "./doctor_check.ts";

/** An environment not used for this many days is suggested for deletion. */
export const UNUSED_DAYS = 90;
const DAY_MS = 86_400_000;
const MIB = 1024 * 1024;

/** Options of {@linkcode suggestImprovements}. */
export interface SuggestOptions {
  /** The cache's root. */
  cacheRoot: string;
  /** `cache.max_size` in bytes, when set. */
  cacheMaxSize?: number | undefined;
  /**
   * The link mode in effect (`link_mode`). With `clone` (the default on macOS), files cloned from
   * the cache share storage but not an inode, so they cannot be told from copies: `suggest.copies`
   * is not looked for. With `copy`, relinking is not wanted: neither.
   * @default the platform's default ({@linkcode defaultLinkMode})
   */
  linkMode?: string | undefined;
  /** "Now" (ms since the epoch). @default Date.now() */
  now?: number;
}

function bytes(n: number): string {
  return n >= 1024 * MIB ? `${(n / 1024 / MIB).toFixed(1)} GiB` : `${(n / MIB).toFixed(1)} MiB`;
}

/** When `record` was last used (ms): the registry's `last_used_at`, else its directory's mtime. */
async function lastUsed(record: EnvironmentRecord): Promise<number | undefined> {
  const recorded = Date.parse(record.last_used_at ?? "");
  if (Number.isFinite(recorded)) return recorded;
  return (await Deno.stat(record.path).catch(() => undefined))?.mtime?.getTime();
}

/**
 * The suggestions for the environments `records` and the cache (see the module documentation),
 * all `info`. Changes nothing; requires `--allow-read`.
 */
export async function suggestImprovements(
  records: readonly EnvironmentRecord[],
  options: SuggestOptions,
): Promise<DoctorCheck[]> {
  const now = options.now ?? Date.now();
  const out: DoctorCheck[] = [];
  const subject = "suggestions";
  if (options.cacheMaxSize !== undefined && await pathExists(options.cacheRoot)) {
    const used = await treeSize(options.cacheRoot).catch(() => 0);
    if (used > options.cacheMaxSize) {
      const target = sizeArgument(options.cacheMaxSize);
      out.push({
        id: "suggest.cache_size",
        severity: "info",
        subject,
        message:
          `the cache holds ${bytes(used)}, over cache.max_size (${
            bytes(options.cacheMaxSize)
          }): trim what is least recently used, or what was not used for 30 days ` +
          "(`gestvenv cache clean --older-than 30`)",
        fix: { command: `gestvenv optimize cache --target-size ${target}` },
      });
    }
  }
  const copies = new Map<string, string[]>();
  const linkMode = options.linkMode ?? defaultLinkMode();
  const linkable = linkMode !== "clone" && linkMode !== "copy";
  for (const record of records) {
    if (record.backend !== "native") {
      out.push({
        id: "suggest.backend",
        severity: "info",
        subject,
        message: `\`${record.name}\` was filled by ${record.backend}: its files are copies; the ` +
          "native backend links them to the cache, shared with other environments",
        fix: { command: `gestvenv migrate-backend ${record.name} --to native` },
        items: [record.name],
      });
    }
    const used = await lastUsed(record);
    if (used !== undefined && now - used > UNUSED_DAYS * DAY_MS) {
      out.push({
        id: "suggest.unused",
        severity: "info",
        subject,
        message: `\`${record.name}\` was not used for ${
          Math.floor((now - used) / DAY_MS)
        } days (since ${new Date(used).toISOString().slice(0, 10)})`,
        fix: { command: `gestvenv delete ${record.name}` },
        items: [record.name],
      });
    }
    if (record.backend === "native" && linkable) {
      const layout = await inspectVirtualenv(record.path).catch(() => undefined);
      if (layout === undefined) continue;
      const scan = await scanCopies(layout, { cacheRoot: options.cacheRoot });
      for (const dist of scan.copies) {
        const list = copies.get(dist) ?? [];
        list.push(record.name);
        copies.set(dist, list);
      }
    }
  }
  const shared = [...copies].filter(([, envs]) => envs.length > 1);
  if (shared.length > 0) {
    const envs = [...new Set(shared.flatMap(([, e]) => e))].sort();
    out.push({
      id: "suggest.copies",
      severity: "info",
      subject,
      message: `${shared.length} distribution(s) are installed as copies in several environments ` +
        `(${shared.slice(0, 3).map(([d, e]) => `${d} in ${e.join(", ")}`).join("; ")}${
          shared.length > 3 ? "; …" : ""
        }): linked to the cache, they would be stored once`,
      fix: { command: "gestvenv optimize" },
      items: envs,
    });
  }
  return out;
}
