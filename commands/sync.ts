import { buildCommand } from "@stricli/core";
import { syncEnvironment } from "../lib/environments/mod.ts";
import { UsageError } from "../lib/errors/mod.ts";
import { absolute } from "../lib/paths/mod.ts";
import {
  action,
  type CliContext,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "./_context.ts";
import { BACKEND_FLAG, environmentName, examples, optionalText, toggle } from "./_help.ts";

interface SyncFlags extends GlobalFlags {
  readonly locked?: boolean;
  readonly lockFile?: string;
  readonly backend?: "auto" | "pip" | "uv";
}

/** `gestvenv sync ENV --locked`: makes an environment match a lock exactly. */
export const syncCommand = buildCommand<SyncFlags, [string], CliContext>({
  docs: {
    brief: "Make an environment match a PEP 751 lock exactly (install its files, remove the rest)",
    fullDescription: examples([
      ["gestvenv sync web --locked", "back to web's own pylock.toml"],
      ["gestvenv sync web --locked --lock-file pylock.toml", "to another lock"],
    ]) + "\nFiles are installed by URL with their sha256 required; any mismatch fails.",
  },
  parameters: {
    flags: {
      ...GLOBAL_FLAGS,
      locked: toggle("Install from the lock without resolving (required)"),
      lockFile: optionalText("Lock to apply (default: the environment's pylock.toml)", "file"),
      backend: BACKEND_FLAG,
    },
    aliases: { ...GLOBAL_ALIASES, b: "backend" },
    positional: { kind: "tuple", parameters: [environmentName()] },
  },
  func: action("sync", async (ctx, flags: SyncFlags, name: string) => {
    const format = formatFor(ctx, ["table", "json"], "table");
    if (!flags.locked) {
      throw new UsageError("`gestvenv sync` needs --locked", {
        hint: "It installs a lock exactly; to add packages use `gestvenv install`",
      });
    }
    const env = ctx.environments({ backend: flags.backend });
    const result = await syncEnvironment(
      env,
      name,
      flags.lockFile === undefined ? undefined : absolute(flags.lockFile),
    );
    if (format === "json") {
      ctx.printer.json("sync", {
        environment: name,
        lock: result.lockFile,
        removed: result.removed,
        packages: result.record.packages,
      });
      return;
    }
    ctx.printer.success(
      `\`${name}\` matches ${result.lockFile}: ${result.record.packages.length} distributions` +
        (result.removed.length > 0 ? `, removed ${result.removed.join(", ")}` : ""),
    );
  }),
});
