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

/** `gestvenv monitor alert list`. */
export const monitorAlertListCommand = buildCommand<GlobalFlags, [], CliContext>({
  docs: {
    brief: "List the alert channels (URLs redacted)",
    fullDescription: examples([
      ["gestvenv monitor alert list", "id, kind, destination"],
      ["gestvenv monitor alert list --format json", "the same as data"],
    ]),
  },
  parameters: { flags: GLOBAL_FLAGS, aliases: GLOBAL_ALIASES },
  func: action("monitor alert list", async (ctx, _flags: GlobalFlags) => {
    const { describeAlertChannel, monitorFiles, readAlertChannels } = await import(
      "../../lib/monitor/mod.ts"
    );
    const format = formatFor(ctx, ["table", "json"], "table");
    const channels = (await readAlertChannels(monitorFiles(ctx.home.root))).map(
      describeAlertChannel,
    );
    if (format === "json") {
      ctx.printer.json("monitor alert list", { channels });
      return;
    }
    if (channels.length === 0) {
      ctx.printer.info("No alert channels. Add one: gestvenv monitor alert slack|email|webhook");
      return;
    }
    await ctx.printer.table(
      ["ID", "Kind", "Destination", "Added"],
      channels.map((c) => [c.id, c.kind, c.destination, c.added]),
    );
  }, { effect: "reads" }),
});
