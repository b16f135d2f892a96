import { buildCommand } from "npm:@stricli/core@1.3.0";
import { NetworkError, UsageError } from "../../lib/errors/mod.ts";
import { absolute } from "../../lib/paths/mod.ts";
import {
  action,
  type CliContext,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "../_context.ts";
import { examples, text, toggle } from "../_help.ts";
import { formatBytes } from "../_output.ts";
import { byteProgress } from "./_progress.ts";

interface CacheImportFlags extends GlobalFlags {
  readonly merge?: boolean;
  readonly downloadMissing?: boolean;
}

const sum = (files: ReadonlyArray<{ size: number }>) => files.reduce((s, f) => s + f.size, 0);

/** `gestvenv cache import FILE`: adds a bundle's packages to the cache, verified. */
export const cacheImportCommand = buildCommand<CacheImportFlags, [string], CliContext>({
  docs: {
    brief: "Add the packages of a bundle to the cache, every file verified first",
    fullDescription: examples([
      ["gestvenv cache import cache.tar.zst", "add what the cache lacks"],
      ["gestvenv cache import manifest.json --download-missing", "fetch what a manifest lists"],
    ]) +
      "\nImporting adds to the cache: what it already holds stays, nothing is removed or" +
      "\nreplaced (`--merge` says so explicitly; it is what import always does). Every file's" +
      "\nsha256 and size are checked against the bundle's manifest before anything enters the" +
      "\ncache; a bundle with a mismatch, a truncated archive, absolute or `..` paths, links or" +
      "\nunexpected entries is rejected and the cache stays as it was (exit 30). The format" +
      "\n(tar, gzip, zstd) is recognised from the content. With --download-missing, FILE is a" +
      "\nmanifest (`cache export --format json`): each file it lists and the cache lacks is" +
      "\ndownloaded from its origin URL and verified by its sha256.",
  },
  parameters: {
    flags: {
      ...GLOBAL_FLAGS,
      merge: toggle("Add to what the cache holds (the default; nothing is removed)"),
      downloadMissing: toggle("FILE is a manifest: download what it lists and the cache lacks"),
    },
    aliases: GLOBAL_ALIASES,
    positional: {
      kind: "tuple",
      parameters: [text("The bundle (or manifest, with --download-missing)", "file")],
    },
  },
  func: action("cache import", async (ctx, flags: CacheImportFlags, file: string) => {
    const output = formatFor(ctx, ["table", "json"], "table");
    const bundle = await import("../../lib/bundle/mod.ts");
    const { openCache } = await import("../../lib/cache/mod.ts");
    const path = absolute(file);
    const reporter = ctx.environments().reporter;
    const cache = await openCache(ctx.home.cacheDir);
    try {
      if (flags.downloadMissing) {
        const manifest = await bundle.readManifestFile(path);
        if (ctx.dryRun) {
          const held = new Set((await cache.list()).map((r) => r.sha256));
          const missing = manifest.files.filter((f) =>
            f.kind !== "metadata" && !held.has(f.sha256)
          ).length;
          ctx.printer.info(`Would download ${missing} files the cache lacks`);
          return;
        }
        const { HttpClient } = await import("../../lib/index/mod.ts");
        const { httpTimeouts } = await import("../../lib/config/mod.ts");
        const client = new HttpClient({
          ...httpTimeouts(ctx.settings),
          offline: ctx.settings.offline.value,
          allowedSources: ctx.settings.allowedSources.value,
        });
        const result = await bundle.downloadMissing(cache, manifest, client, {
          signal: ctx.signal,
          onFile: (f, i, n) => reporter.step(`Downloading ${f.filename} (${i + 1}/${n})`),
        });
        reporter.done();
        const data = {
          path,
          added: result.added.map((f) => f.filename),
          present: result.present.length,
          failed: result.failed.map((f) => ({ file: f.file.filename, reason: f.reason })),
        };
        if (output === "json") ctx.printer.json("cache import", data);
        else {
          ctx.printer.success(
            `Downloaded ${result.added.length} files (${
              formatBytes(sum(result.added))
            }); ${result.present.length} already in the cache`,
          );
        }
        if (result.failed.length > 0) {
          throw new NetworkError(
            `${result.failed.length} file${
              result.failed.length > 1 ? "s" : ""
            } could not be downloaded`,
            {
              details: result.failed.map((f) => `${f.file.filename}: ${f.reason}`).join("\n"),
              hint: "Check the network and run the same command again: what was fetched stays",
            },
          );
        }
        return;
      }
      if ((await bundle.readBundleManifest(path)) === null) {
        let manifest = false;
        try {
          await bundle.readManifestFile(path);
          manifest = true;
        } catch { /* not a manifest either */ }
        if (manifest) {
          throw new UsageError(`${path} is a bundle manifest, not a bundle`, {
            hint: "Add `--download-missing` to download the files it lists",
          });
        }
      }
      if (ctx.dryRun) {
        const manifest = await bundle.readBundleManifest(path);
        const files = manifest?.files.filter((f) => f.kind !== "metadata") ?? [];
        const held = new Set((await cache.list()).map((r) => r.sha256));
        const missing = files.filter((f) => !held.has(f.sha256)).length;
        ctx.printer.info(
          `Would verify ${files.length} files and add the ${missing} the cache lacks`,
        );
        return;
      }
      const result = await bundle.importBundle(cache, path, {
        signal: ctx.signal,
        onProgress: byteProgress(reporter, "Verifying"),
      });
      reporter.done();
      if (output === "json") {
        ctx.printer.json("cache import", {
          path,
          compression: result.compression,
          added: result.added.map((f) => f.filename),
          present: result.present.map((f) => f.filename),
          rejected: [],
          ...(result.auditDb === undefined ? {} : { audit_db: result.auditDb }),
        });
        return;
      }
      if (result.auditDb !== undefined) {
        ctx.printer.info(
          result.auditDb === "installed"
            ? "The offline vulnerability database was imported (`gestvenv audit db info`)"
            : "The bundle's vulnerability database is not newer than this cache's: kept this one",
        );
      }
      ctx.printer.success(
        `Imported ${path}: ${result.added.length} new (${
          formatBytes(sum(result.added))
        }), ${result.present.length} already present, 0 rejected`,
      );
    } finally {
      reporter.done();
      cache.close();
    }
  }, { effect: "changes" }),
});
