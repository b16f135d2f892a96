import { buildCommand } from "npm:@stricli/core@1.3.0";
import { listCachedProjects, referencedArtifacts } from "../../lib/cache/mod.ts";
import {
  action,
  type CliContext,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "../_context.ts";
import { examples, optionalText, toggle } from "../_help.ts";
import { formatBytes, timeAgo } from "../_output.ts";
import { environmentReferences, iso, withCache } from "./_cache.ts";

interface ListFlags extends GlobalFlags {
  readonly filter?: string;
  readonly sizes?: boolean;
  readonly platform?: string;
}

/** `gestvenv cache list`: the cached artifacts by project and version. */
export const cacheListCommand = buildCommand<ListFlags, [], CliContext>({
  docs: {
    brief: "List the cached projects and versions: files, platforms, size, last use",
    fullDescription: examples([
      ["gestvenv cache list", "every project and version in the cache"],
      ["gestvenv cache list --filter numpy --sizes", "projects whose name contains numpy, sizes"],
      ["gestvenv cache list --platform win_amd64", "files for Windows x86-64 only"],
      ["gestvenv cache list --platform any", "pure-Python wheels (`source`: sdists)"],
    ]),
  },
  parameters: {
    flags: {
      ...GLOBAL_FLAGS,
      filter: optionalText("Only projects whose name contains TEXT", "text"),
      sizes: toggle("Show each version's size and the total"),
      platform: optionalText(
        "Only files with this platform tag (win_amd64, manylinux_2_28_x86_64, any, source)",
        "tag",
      ),
    },
    aliases: GLOBAL_ALIASES,
  },
  func: action("cache list", async (ctx, flags: ListFlags) => {
    const format = formatFor(ctx, ["table", "json"], "table");
    const projects = await withCache(
      ctx,
      (cache) => listCachedProjects(cache, { filter: flags.filter, platform: flags.platform }),
    );
    if (format === "json") {
      // What the registered environments' locks name: what `cache clean` keeps (lib/cache's
      // `referencedArtifacts`: the file's sha256, or the origin it was built from).
      const { references } = await environmentReferences(ctx);
      const kept = referencedArtifacts(projects.flatMap((p) => p.files), references);
      const used = (f: { sha256: string }) => kept.has(f.sha256);
      ctx.printer.json(
        "cache list",
        projects.map((p) => ({
          project: p.project,
          version: p.version,
          platforms: p.platforms,
          bytes: p.bytes,
          last_used: iso(p.lastUsed),
          referenced: p.files.some(used),
          files: p.files.map((f) => ({
            filename: f.filename,
            sha256: f.sha256,
            bytes: f.bytes,
            platforms: f.platforms,
            unpacked: f.unpacked,
            origin: f.origin,
            added: iso(f.added),
            last_used: iso(f.lastUsed),
            referenced: used(f),
          })),
        })),
      );
      return;
    }
    if (projects.length === 0) {
      ctx.printer.info(
        flags.filter === undefined && flags.platform === undefined
          ? "The cache holds no artifact"
          : "No cached artifact matches",
      );
      return;
    }
    const head = ["Project", "Version", "Files", "Platforms", ...(flags.sizes ? ["Size"] : [])];
    await ctx.printer.table(
      [...head, "Last used"],
      projects.map((p) => [
        p.project,
        p.version,
        p.files.length,
        p.platforms.join(", "),
        ...(flags.sizes ? [formatBytes(p.bytes)] : []),
        timeAgo(iso(p.lastUsed)),
      ]),
    );
    if (flags.sizes) {
      const total = projects.reduce((sum, p) => sum + p.bytes, 0);
      const files = projects.reduce((sum, p) => sum + p.files.length, 0);
      ctx.printer.info(`${files} file(s), ${formatBytes(total)}`);
    }
  }, { effect: "reads" }),
});
