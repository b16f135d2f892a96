/**
 * `gestvenv audit db update|info`: the offline vulnerability database (OSV's PyPI export,
 * imported into the cache).
 *
 * @module
 */
import { buildCommand, buildRouteMap } from "npm:@stricli/core@1.3.0";
import {
  action,
  type CliContext,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "../_context.ts";
import { examples, optionalText } from "../_help.ts";

interface DbUpdateFlags extends GlobalFlags {
  readonly from?: string;
}

/** `gestvenv audit db update [--from FILE|URL]`. */
export const auditDbUpdateCommand = buildCommand<DbUpdateFlags, [], CliContext>({
  docs: {
    brief: "Import OSV's PyPI vulnerability export into the cache, for offline audits",
    fullDescription: examples([
      ["gestvenv audit db update", "download OSV's PyPI export (all.zip) and import it"],
      ["gestvenv audit db update --from all.zip", "import a copy brought on a USB key"],
    ]) +
      "\nEvery record is checked before the database is replaced (atomically); a hostile or" +
      "\nmalformed archive is refused and the old database kept.",
  },
  parameters: {
    flags: {
      ...GLOBAL_FLAGS,
      from: optionalText(
        "A zip of OSV records: a file or an http(s) URL (default: OSV's)",
        "source",
      ),
    },
    aliases: GLOBAL_ALIASES,
    positional: { kind: "tuple", parameters: [] },
  },
  func: action("audit db update", async (ctx, flags: DbUpdateFlags) => {
    const format = formatFor(ctx, ["table", "json"], "table");
    const { auditHttpClient, updateAuditDb } = await import("../../lib/audit/mod.ts");
    const env = ctx.environments();
    env.reporter.step("Importing the vulnerability database");
    let info;
    try {
      info = await updateAuditDb({
        cacheDir: ctx.home.cacheDir,
        from: flags.from,
        dryRun: ctx.dryRun,
        http: auditHttpClient(env),
      });
    } finally {
      env.reporter.done();
    }
    if (format === "json") {
      ctx.printer.json("audit db update", { dry_run: ctx.dryRun, database: info });
      return;
    }
    if (ctx.dryRun) {
      ctx.printer.info(
        `Dry run: ${info.records} records for ${info.packages} packages from ${info.source} ` +
          `would be imported; nothing was changed`,
      );
      return;
    }
    ctx.printer.success(
      `Imported ${info.records} records for ${info.packages} packages from ${info.source} ` +
        `(sha256 ${info.sha256.slice(0, 16)}…)`,
    );
  }, { effect: "changes" }),
});

/** `gestvenv audit db info`. */
export const auditDbInfoCommand = buildCommand<GlobalFlags, [], CliContext>({
  docs: {
    brief: "Show the offline vulnerability database: records, packages, source, age",
    fullDescription: examples([
      ["gestvenv audit db info", "how old is it?"],
      ["gestvenv audit db info --format json", "for scripts"],
    ]),
  },
  parameters: {
    flags: GLOBAL_FLAGS,
    aliases: GLOBAL_ALIASES,
    positional: { kind: "tuple", parameters: [] },
  },
  func: action("audit db info", async (ctx) => {
    const format = formatFor(ctx, ["table", "json"], "table");
    const { AUDIT_DB_STALE_DAYS, auditDbPath, openAuditDb } = await import(
      "../../lib/audit/mod.ts"
    );
    const db = await openAuditDb(ctx.home.cacheDir);
    if (format === "json") {
      ctx.printer.json("audit db info", {
        present: db !== undefined,
        path: auditDbPath(ctx.home.cacheDir),
        ...(db === undefined ? {} : { database: db.info }),
      });
      return;
    }
    if (db === undefined) {
      ctx.printer.warn(
        "There is no offline vulnerability database; `gestvenv audit db update` imports one " +
          "(on a connected machine; `gestvenv cache export` carries it)",
      );
      return;
    }
    const i = db.info;
    await ctx.printer.table(["", ""], [
      ["path", i.path],
      ["records", i.records],
      ["packages", i.packages],
      ["imported", i.imported_at],
      ["source", i.source],
      ["sha256", i.sha256],
      ["age", `${i.age_days} day(s)`],
    ]);
    if (i.stale) {
      ctx.printer.warn(
        `The database is older than ${AUDIT_DB_STALE_DAYS} days; run \`gestvenv audit db update\``,
      );
    }
  }, { effect: "reads" }),
});

/** `gestvenv audit db ...`. */
export const auditDbRoutes = buildRouteMap({
  routes: { update: auditDbUpdateCommand, info: auditDbInfoCommand },
  docs: { brief: "The offline vulnerability database (OSV's PyPI export)" },
});
