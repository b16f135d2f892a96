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
import { stopSchedule } from "./_schedule.ts";

/** `gestvenv monitor stop`. */
export const monitorStopCommand = buildCommand<GlobalFlags, [], CliContext>({
  docs: {
    brief: "Remove the scheduled check `monitor start` installed (nothing else)",
    fullDescription: examples([["gestvenv monitor stop", "timer, cron entry, agent or task"]]),
  },
  parameters: { flags: GLOBAL_FLAGS, aliases: GLOBAL_ALIASES },
  func: action("monitor stop", async (ctx, _flags: GlobalFlags) => {
    const json = formatFor(ctx, ["table", "json"], "table") === "json";
    await stopSchedule(ctx, "monitor stop", json);
  }, { effect: "changes" }),
});
