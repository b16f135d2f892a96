/**
 * The environment-bundle branches of `export --bundle` and `import` (a bundle recognised by its
 * content), kept here so those commands only route to them.
 *
 * @module
 */
import { type CommandContext, formatFor } from "./_context.ts";
import { formatBytes } from "./_output.ts";
import { byteProgress } from "./cache/_progress.ts";
import { platformList } from "./cache/export.ts";

/** `gestvenv export NAME FILE --bundle [--platforms TAGS]`. */
export async function exportBundle(
  ctx: CommandContext,
  name: string,
  file: string,
  platforms: readonly string[] | undefined,
): Promise<void> {
  const { compressionForPath } = await import("../lib/bundle/mod.ts");
  const { exportEnvironmentBundle } = await import("../lib/packages/mod.ts");
  const compression = compressionForPath(file) ?? ctx.settings.cacheCompression.value;
  if (ctx.dryRun) {
    ctx.printer.info(`Would write \`${name}\` and its packages to ${file} (${compression})`);
    return;
  }
  const env = ctx.environments();
  const written = await exportEnvironmentBundle(env, name, file, {
    compression,
    platforms: platformList(platforms),
    onProgress: byteProgress(env.reporter, "Exporting"),
  });
  env.reporter.done();
  ctx.printer.success(
    `Exported \`${name}\` with ${written.artifacts} package files (${
      formatBytes(written.artifactBytes)
    }) to ${written.path} (${compression}, ${formatBytes(written.size)})`,
  );
}

/** `gestvenv import BUNDLE NAME`. */
export async function importBundle(ctx: CommandContext, file: string, name: string): Promise<void> {
  const output = formatFor(ctx, ["table", "json"], "table");
  const { importEnvironmentBundle } = await import("../lib/packages/mod.ts");
  const result = await importEnvironmentBundle(ctx.environments(), file, name, {
    dryRun: ctx.dryRun,
  });
  const r = result.record;
  if (output === "json") {
    ctx.printer.json("import", {
      ...r,
      dry_run: result.dryRun,
      cache: result.cache === undefined ? null : {
        added: result.cache.added.map((f) => f.filename),
        present: result.cache.present.map((f) => f.filename),
      },
    });
  } else if (result.dryRun) {
    ctx.printer.info(
      `Would add the bundle's packages to the cache and create \`${name}\` with ${r.python.implementation} ${r.python.version}`,
    );
  } else {
    ctx.printer.success(
      `Imported \`${name}\` from a bundle (${r.python.implementation} ${r.python.version}, ${r.packages.length} distributions; ${
        result.cache?.added.length ?? 0
      } package files added to the cache)`,
    );
  }
}
