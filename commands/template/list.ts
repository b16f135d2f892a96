import { buildCommand } from "npm:@stricli/core@1.3.0";
import {
  action,
  type CliContext,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "../_context.ts";
import { examples } from "../_help.ts";

/** `gestvenv template list`: built-in and user templates. */
export const templateListCommand = buildCommand<GlobalFlags, [], CliContext>({
  docs: {
    brief: "List the project templates: built-in ones and yours (~/.gestvenv/templates)",
    fullDescription: examples([
      ["gestvenv template list", "name, source, base and description"],
      ["gestvenv template list --format json", "the same as data"],
    ]),
  },
  parameters: { flags: { ...GLOBAL_FLAGS }, aliases: GLOBAL_ALIASES },
  func: action("template list", async (ctx) => {
    const { listTemplates } = await import("../../lib/templates/mod.ts");
    const format = formatFor(ctx, ["table", "json"], "table");
    const templates = await listTemplates(ctx.home);
    if (format === "json") {
      ctx.printer.json(
        "template list",
        templates.map((t) => ({
          name: t.name,
          source: t.origin,
          description: t.description,
          base: t.base ?? null,
          path: t.path ?? null,
          problem: t.problem ?? null,
          shadowed: t.shadowed ?? false,
        })),
      );
      return;
    }
    await ctx.printer.table(
      ["Template", "Source", "Base", "Description"],
      templates.map((t) => [
        t.name,
        t.origin + (t.shadowed ? " (hidden by the built-in)" : ""),
        t.base ?? "",
        t.problem === undefined ? t.description : `invalid: ${t.problem}`,
      ]),
    );
    ctx.printer.info(
      "Use one: gestvenv create-from-template TEMPLATE NAME   Details: gestvenv template info TEMPLATE",
    );
  }, { effect: "reads" }),
});
