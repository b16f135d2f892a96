import { buildCommand } from "npm:@stricli/core@1.3.0";
import { withEnvironmentValue } from "../../lib/config/mod.ts";
import { environmentSettings, getEnvironment } from "../../lib/environments/mod.ts";
import {
  action,
  type CliContext,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "../_context.ts";
import { environmentName, examples } from "../_help.ts";
import { showValue } from "./_keys.ts";

/** `gestvenv config show-env ENV`: an environment's own settings and what is in effect. */
export const configShowEnvCommand = buildCommand<GlobalFlags, [string], CliContext>({
  docs: {
    brief: "Show an environment's own settings and the values in effect for it",
    fullDescription: examples([
      ["gestvenv config show-env web", "a table"],
      ["gestvenv config show-env web --format json", "as data"],
    ]),
  },
  parameters: {
    flags: GLOBAL_FLAGS,
    aliases: GLOBAL_ALIASES,
    positional: { kind: "tuple", parameters: [environmentName()] },
  },
  func: action("config show-env", async (ctx, _flags: GlobalFlags, name: string) => {
    const format = formatFor(ctx, ["table", "json"], "table");
    const record = await getEnvironment(ctx.environments(), name);
    const own = environmentSettings(record);
    // What commands on this environment use: a flag or GESTVENV_AUTO_SYNC still wins; the
    // backend the record names yields only to --backend (see openEnvironment).
    const autoSync = withEnvironmentValue(
      ctx.settings.autoSync,
      record.settings?.auto_sync,
      `auto_sync of environment ${name}`,
    );
    const backend = ctx.settings.backend.source === "flag"
      ? ctx.settings.backend
      : { value: record.backend, source: "environment" as const, origin: "backend" };
    if (format === "json") {
      ctx.printer.json("config show-env", {
        environment: name,
        settings: Object.fromEntries(own.map((v) => [v.key, v.value ?? null])),
        effective: { backend, auto_sync: autoSync },
        project: record.project?.path ?? null,
      });
      return;
    }
    await ctx.printer.table(
      ["Key", "Value", "Stored as"],
      own.map((v) => [
        v.key,
        v.value === undefined ? ctx.printer.out.dim("(unset)") : showValue(v.value),
        v.stored,
      ]),
    );
    ctx.printer.info(
      `In effect for \`${name}\`: backend=${backend.value} (${backend.source}), ` +
        `auto_sync=${autoSync.value} (${autoSync.source}${
          autoSync.source === "default" ? "" : `: ${autoSync.origin}`
        })`,
    );
    if (record.project !== undefined) ctx.printer.info(`Project: ${record.project.path}`);
  }, { effect: "reads" }),
});
