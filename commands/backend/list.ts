import { buildCommand } from "npm:@stricli/core@1.3.0";
import {
  action,
  type CliContext,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "../_context.ts";
import { backendsFor } from "./_describe.ts";

/** `gestvenv backend list`: every backend, whether it runs here, its version, the default. */
export const backendListCommand = buildCommand<GlobalFlags, [], CliContext>({
  docs: { brief: "List the backends, whether each is available, and the default" },
  parameters: { flags: GLOBAL_FLAGS, aliases: GLOBAL_ALIASES },
  func: action("backend list", async (ctx, _flags: GlobalFlags) => {
    const format = formatFor(ctx, ["table", "json"], "table");
    const backends = await backendsFor(ctx);
    if (format === "json") {
      ctx.printer.json("backend list", backends);
      return;
    }
    await ctx.printer.table(
      ["Backend", "Available", "Version", "Default", "What it does"],
      backends.map((b) => [
        b.name,
        b.available ? "yes" : "no",
        b.version ?? "-",
        b.default ? "*" : "",
        b.description,
      ]),
    );
  }, { effect: "reads" }),
});
