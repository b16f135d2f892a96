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

/** `gestvenv monitor stop`. */
export const monitorStopCommand = buildCommand<GlobalFlags, [], CliContext>({
  docs: {
    brief: "Remove the scheduled check `monitor start` installed (nothing else)",
    fullDescription: examples([["gestvenv monitor stop", "timer, cron entry, agent or task"]]),
  },
  parameters: { flags: GLOBAL_FLAGS, aliases: GLOBAL_ALIASES },
  func: action("monitor stop", async (ctx, _flags: GlobalFlags) => {
    const { stopSchedule } = await import("./_schedule.ts");
    const json = formatFor(ctx, ["table", "json"], "table") === "json";
    await stopSchedule(ctx, "monitor stop", json);
  }, { effect: "changes" }),
});
