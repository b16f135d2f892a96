import { buildCommand } from "npm:@stricli/core@1.3.0";
import { UsageError } from "../../lib/errors/mod.ts";
import { atomicWriteFile } from "../../lib/fs/mod.ts";
import { absolute } from "../../lib/paths/mod.ts";
import {
  action,
  type CliContext,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "../_context.ts";
import { examples, optionalText, repeatable } from "../_help.ts";
import { formatBytes } from "../_output.ts";
import { VERSION } from "../_version.ts";
import { byteProgress } from "./_progress.ts";

interface CacheExportFlags extends GlobalFlags {
  readonly compress?: string;
  readonly only?: readonly string[];
  readonly requirement?: readonly string[];
  readonly platforms?: readonly string[];
}

/** Comma- or space-separated platform tags from repeated `--platforms` values. */
export function platformList(values: readonly string[] | undefined): string[] | undefined {
  if (values === undefined) return undefined;
  const tags = values.flatMap((v) => v.split(/[,\s]+/)).filter((t) => t !== "");
  return tags.length === 0 ? undefined : tags;
}

/** `gestvenv cache export FILE [PKG...]`: writes cached artifacts into a bundle. */
export const cacheExportCommand = buildCommand<CacheExportFlags, string[], CliContext>({
  docs: {
    brief: "Write cached packages into a bundle (tar, .tar.gz or .tar.zst) to carry offline",
    fullDescription: examples([
      ["gestvenv cache export cache.tar.zst", "everything the cache holds, zstd"],
      ["gestvenv cache export web.tgz flask -r reqs.txt", "what these need (with dependencies)"],
      ["gestvenv cache export win.tar.gz --platforms win_amd64", "wheels for Windows, sdists"],
      ["gestvenv cache export --format json manifest.json", "only the manifest (no files)"],
    ]) +
      "\nA bundle holds gestvenv-bundle.json (every file with its sha256, size, project, version" +
      "\nand origin URL), the files under files/, and a PEP 503 simple/ tree: extracted, it is an" +
      "\nindex for pip or uv (`pip install --index-url file:///DIR/simple PKG`, or" +
      "\n`--no-index --find-links DIR/files`)." +
      "\nEach file is verified against its sha256 as it is read. Compression: --compress, else" +
      "\nthe file name (.tar.gz/.tgz gzip, .tar.zst zstd, .tar none), else `cache.compression`" +
      "\n(zstd by default); lz4 is not available. Import it with `gestvenv cache import FILE`.",
  },
  parameters: {
    flags: {
      ...GLOBAL_FLAGS,
      compress: optionalText("Compression: gzip, zstd or none (default: from the name)", "kind"),
      only: repeatable("Only this requirement and its dependencies (repeatable)", "package"),
      requirement: repeatable("Only what a requirements file needs (repeatable)", "file"),
      platforms: repeatable(
        "Only wheels for these platform tags (comma-separated; sdists always go)",
        "tags",
      ),
    },
    aliases: { ...GLOBAL_ALIASES, r: "requirement" },
    positional: {
      kind: "array",
      parameter: {
        brief: "The bundle file, then the packages to put in it (default: all)",
        parse: String,
        placeholder: "file",
      },
      minimum: 1,
    },
  },
  func: action("cache export", async (ctx, flags: CacheExportFlags, ...args: string[]) => {
    const [file, ...packages] = args as [string, ...string[]];
    const output = formatFor(ctx, ["table", "json"], "table");
    const bundle = await import("../../lib/bundle/mod.ts");
    const { openCache } = await import("../../lib/cache/mod.ts");
    const manifestOnly = output === "json" && file !== undefined;
    const compression = flags.compress !== undefined
      ? bundle.parseCompression(flags.compress)
      : bundle.compressionForPath(file) ?? ctx.settings.cacheCompression.value;
    if (!manifestOnly && file === "-") {
      throw new UsageError("A bundle is written to a file, not to stdout", {
        hint: "Give a file name (`cache.tar.zst`), or `--format json -` for the manifest",
      });
    }
    const requirements = [...(flags.only ?? []), ...packages];
    for (const path of flags.requirement ?? []) {
      const { readRequirementsFile } = await import("../../lib/requirements_file/mod.ts");
      const parsed = await readRequirementsFile(absolute(path));
      requirements.push(...parsed.requirements.map((r) => r.text));
    }
    const platforms = platformList(flags.platforms);
    const reporter = ctx.environments().reporter;
    const cache = await openCache(ctx.home.cacheDir);
    try {
      reporter.step("Choosing what to export");
      const rows = await bundle.selectArtifacts(cache, {
        requirements: requirements.length > 0 || (flags.requirement ?? []).length > 0
          ? requirements
          : undefined,
        platforms,
      });
      // The offline vulnerability database goes too (issue 12 §1), except in a bare manifest.
      const { auditDbPath } = await import("../../lib/audit/mod.ts");
      const plan = await bundle.planBundle(cache, rows, {
        gestvenvVersion: VERSION,
        platforms,
        auditDb: manifestOnly ? undefined : auditDbPath(cache.root),
      });
      reporter.done();
      if (rows.length === 0) {
        ctx.printer.warn("The cache holds nothing to export: the bundle will be empty");
      }
      if (manifestOnly) {
        const text = JSON.stringify(plan.manifest, null, 2) + "\n";
        if (file === "-") {
          ctx.printer.data(text.trimEnd());
          return;
        }
        const path = absolute(file);
        if (ctx.dryRun) {
          ctx.printer.info(`Would write the manifest of ${rows.length} files to ${path}`);
          return;
        }
        await atomicWriteFile(path, text);
        ctx.printer.json("cache export", {
          path,
          manifest_only: true,
          artifacts: rows.length,
          artifact_bytes: rows.reduce((s, r) => s + r.size, 0),
        });
        return;
      }
      const path = absolute(file);
      const bytes = rows.reduce((s, r) => s + r.size, 0);
      if (ctx.dryRun) {
        ctx.printer.info(
          `Would write ${rows.length} files (${formatBytes(bytes)}) to ${path} (${compression})`,
        );
        return;
      }
      const written = await bundle.writeBundle(plan, path, {
        compression,
        signal: ctx.signal,
        onProgress: byteProgress(reporter, "Exporting"),
      });
      reporter.done();
      ctx.printer.success(
        `Exported ${written.artifacts} files (${
          formatBytes(written.artifactBytes)
        }) to ${written.path} (${compression}, ${formatBytes(written.size)})` +
          (plan.manifest.audit_db ? ", with the offline vulnerability database" : ""),
      );
    } finally {
      reporter.done();
      cache.close();
    }
  }, { effect: "changes" }),
});
