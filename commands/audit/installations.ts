import { buildCommand } from "npm:@stricli/core@1.3.0";
import { auditInstalls } from "../../lib/oplog/mod.ts";
import {
  action,
  type CliContext,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "../_context.ts";
import { environmentFlag, examples, optionalText } from "../_help.ts";
import { selectOperations } from "../logs.ts";

interface AuditFlags extends GlobalFlags {
  readonly since?: string;
  readonly env?: string;
}

/** `gestvenv audit installations`: what was installed where, from the operation log. */
export const auditInstallationsCommand = buildCommand<AuditFlags, [], CliContext>({
  docs: {
    brief: "Audit installations: what was installed where and when, which version, hash and index",
    fullDescription: examples([
      ["gestvenv audit installations", "every installation in the operation log"],
      ["gestvenv audit installations --env web --since 30d", "one environment, last month"],
      ["gestvenv audit installations --format json", "for scripts"],
    ]),
  },
  parameters: {
    flags: {
      ...GLOBAL_FLAGS,
      since: optionalText("Only since a date (2026-11-01) or a duration (7d, 12h)", "when"),
      env: environmentFlag("Only installations into this environment"),
    },
    aliases: GLOBAL_ALIASES,
    positional: { kind: "tuple", parameters: [] },
  },
  func: action("audit installations", async (ctx, flags: AuditFlags) => {
    const format = formatFor(ctx, ["table", "json"], "table");
    const installs = auditInstalls(await selectOperations(ctx, flags, flags.env), flags.env);
    if (format === "json") {
      ctx.printer.json("audit", { installations: installs });
      return;
    }
    if (installs.length === 0) {
      ctx.printer.info("No installations logged");
      return;
    }
    await ctx.printer.table(
      ["time", "environment", "package", "version", "sha256", "index"],
      installs.map((i) => [
        i.time.replace("T", " ").replace(/\.\d+Z$/, "Z"),
        i.environment,
        i.name,
        i.replaced === null ? i.version : `${i.version} (was ${i.replaced})`,
        i.sha256 === null ? "-" : i.sha256.slice(0, 16),
        i.index ?? "-",
      ]),
    );
  }, { effect: "reads" }),
});
