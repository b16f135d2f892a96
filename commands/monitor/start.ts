import { buildCommand } from "npm:@stricli/core@1.3.0";
import {
  action,
  type CliContext,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "../_context.ts";
import { examples, optionalText } from "../_help.ts";

interface StartFlags extends GlobalFlags {
  readonly interval?: string;
}

/** `gestvenv monitor start [--interval 1h]`. */
export const monitorStartCommand = buildCommand<StartFlags, [], CliContext>({
  docs: {
    brief: "Schedule `health-check --alert-on-issues` (systemd user timer, else cron)",
    fullDescription: examples([
      ["gestvenv monitor start", "every hour"],
      ["gestvenv monitor start --interval 30m", "every 30 minutes"],
      ["gestvenv monitor start --interval 1d", "once a day"],
    ]) +
      "\nNo daemon of gestvenv's: a systemd user timer where the user's systemd answers, else a" +
      "\ncron entry (a launchd agent on macOS, a Task Scheduler task on Windows). Running it again" +
      "\nreplaces what it installed; `gestvenv monitor stop` removes it.",
  },
  parameters: {
    flags: {
      ...GLOBAL_FLAGS,
      interval: optionalText("How often: 5m to 4w (30m, 1h, 6h, 1d, 1w); default 1h", "interval"),
    },
    aliases: GLOBAL_ALIASES,
  },
  func: action("monitor start", async (ctx, flags: StartFlags) => {
    const { parseScheduleInterval } = await import("../../lib/monitor/mod.ts");
    const { startSchedule } = await import("./_schedule.ts");
    const json = formatFor(ctx, ["table", "json"], "table") === "json";
    await startSchedule(ctx, "monitor start", parseScheduleInterval(flags.interval ?? "1h"), json);
  }, { effect: "changes" }),
});
