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
import { examples } from "../_help.ts";

/** `gestvenv monitor alert remove ID...`. */
export const monitorAlertRemoveCommand = buildCommand<GlobalFlags, string[], CliContext>({
  docs: {
    brief: "Remove alert channels by id",
    fullDescription: examples([["gestvenv monitor alert remove slack-1a2b3c", "one channel"]]),
  },
  parameters: {
    flags: GLOBAL_FLAGS,
    aliases: GLOBAL_ALIASES,
    positional: {
      kind: "array",
      parameter: { brief: "Channel ids (`monitor alert list`)", parse: String, placeholder: "id" },
      minimum: 1,
    },
  },
  func: action("monitor alert remove", async (ctx, _flags: GlobalFlags, ...ids: string[]) => {
    const { describeAlertChannel, monitorFiles, readAlertChannels, removeAlertChannels } =
      await import("../../lib/monitor/mod.ts");
    const json = formatFor(ctx, ["table", "json"], "table") === "json";
    const files = monitorFiles(ctx.home.root);
    if (ctx.dryRun) {
      const known = new Set((await readAlertChannels(files)).map((c) => c.id));
      const unknown = ids.find((id) => !known.has(id));
      if (unknown !== undefined) {
        throw new UsageError(`No alert channel \`${unknown}\``, {
          hint: "`gestvenv monitor alert list` shows the ids",
        });
      }
      ctx.printer.info(`Would remove ${ids.join(", ")} from ${files.alerts}`);
      return;
    }
    const removed = (await removeAlertChannels(files, ids)).map(describeAlertChannel);
    if (json) {
      ctx.printer.json("monitor alert remove", { removed });
      return;
    }
    for (const c of removed) ctx.printer.success(`Removed ${c.id} (${c.destination})`);
  }, { effect: "changes" }),
});
