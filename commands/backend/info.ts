import { buildCommand } from "npm:@stricli/core@1.3.0";
import { UsageError } from "../../lib/errors/mod.ts";
import {
  action,
  type CliContext,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "../_context.ts";
import { text } from "../_help.ts";
import { backendsFor } from "./_describe.ts";

/** `gestvenv backend info NAME`: one backend in detail. */
export const backendInfoCommand = buildCommand<GlobalFlags, [string], CliContext>({
  docs: { brief: "Show one backend: availability, version, program, default" },
  parameters: {
    flags: GLOBAL_FLAGS,
    aliases: GLOBAL_ALIASES,
    positional: { kind: "tuple", parameters: [text("native, pip or uv", "name")] },
  },
  func: action("backend info", async (ctx, _flags: GlobalFlags, name: string) => {
    const format = formatFor(ctx, ["table", "json"], "table");
    const backend = (await backendsFor(ctx)).find((b) => b.name === name);
    if (backend === undefined) {
      throw new UsageError(`No backend is called \`${name}\``, {
        hint: "The backends are native, pip and uv (`gestvenv backend list`)",
      });
    }
    if (format === "json") {
      ctx.printer.json("backend info", backend);
      return;
    }
    await ctx.printer.table(["Field", "Value"], [
      ["name", backend.name],
      ["available", backend.available ? "yes" : "no"],
      ["version", backend.version ?? "-"],
      ["program", backend.path ?? "(built in)"],
      ["default", backend.default ? "yes" : "no"],
      ["what it does", backend.description],
    ]);
  }, { effect: "reads" }),
});
