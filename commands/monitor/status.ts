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
import { timeAgo } from "../_output.ts";

/** `gestvenv monitor status`. */
export const monitorStatusCommand = buildCommand<GlobalFlags, [], CliContext>({
  docs: {
    brief: "Show the scheduled check (scheduler, interval, command), the last result and alerts",
    fullDescription: examples([
      ["gestvenv monitor status", "a table"],
      ["gestvenv monitor status --format json", "the schedule, the last check and the channels"],
    ]),
  },
  parameters: { flags: GLOBAL_FLAGS, aliases: GLOBAL_ALIASES },
  func: action("monitor status", async (ctx, _flags: GlobalFlags) => {
    const {
      defaultSchedulerHost,
      describeAlertChannel,
      monitorFiles,
      readAlertChannels,
      readLastCheck,
      readSchedule,
      scheduleInPlace,
    } = await import("../../lib/monitor/mod.ts");
    const { showArgv } = await import("./_schedule.ts");
    const format = formatFor(ctx, ["table", "json"], "table");
    const files = monitorFiles(ctx.home.root);
    const schedule = await readSchedule(files);
    const inPlace = schedule === undefined
      ? null
      : await scheduleInPlace(defaultSchedulerHost(), schedule);
    const last = await readLastCheck(files);
    const channels = (await readAlertChannels(files)).map(describeAlertChannel);
    if (format === "json") {
      ctx.printer.json("monitor status", {
        schedule: schedule ?? null,
        in_place: inPlace,
        last_check: last ?? null,
        alert_channels: channels,
      });
      return;
    }
    const rows: Array<[string, string]> = [];
    if (schedule === undefined) rows.push(["Scheduled", "no (`gestvenv monitor start`)"]);
    else {
      rows.push(["Scheduler", schedule.scheduler]);
      rows.push(["Interval", schedule.interval]);
      rows.push(["Command", showArgv(schedule.argv)]);
      rows.push(["Installed", schedule.installed_at]);
      if (schedule.files.length > 0) rows.push(["Files", schedule.files.join("\n")]);
      rows.push([
        "In place",
        inPlace ? "yes" : "no: removed outside gestvenv (`gestvenv monitor start` again)",
      ]);
    }
    if (last === undefined) rows.push(["Last check", "none yet"]);
    else {
      const result = last.healthy
        ? `healthy (${last.warnings} warning${last.warnings === 1 ? "" : "s"})`
        : `${last.errors} error${last.errors === 1 ? "" : "s"}, ${last.warnings} warning${
          last.warnings === 1 ? "" : "s"
        }`;
      rows.push(["Last check", `${last.time} (${timeAgo(last.time)}): ${result}`]);
      rows.push([
        "Vulnerabilities",
        last.vulnerabilities.checked
          ? `${last.vulnerabilities.findings.length} (offline database${
            last.vulnerabilities.time === undefined || last.vulnerabilities.time === last.time
              ? ""
              : `, audited ${last.vulnerabilities.time}`
          })`
          : `not checked${
            last.vulnerabilities.reason === null ? "" : `: ${last.vulnerabilities.reason}`
          }`,
      ]);
      const sentAt = last.alerts_time === undefined || last.alerts_time === null ||
          last.alerts_time === last.time
        ? ""
        : ` (${last.alerts_time})`;
      for (const d of last.alerts) {
        rows.push([
          `Alert ${d.channel}${sentAt}`,
          d.status === "sent"
            ? `sent ${d.findings} finding${d.findings === 1 ? "" : "s"}`
            : d.status === "failed"
            ? `failed: ${d.error}`
            : d.status,
        ]);
      }
    }
    rows.push([
      "Alert channels",
      channels.length === 0
        ? "none (`gestvenv monitor alert slack|email|webhook`)"
        : channels.map((c) => `${c.id} ${c.destination}`).join("\n"),
    ]);
    await ctx.printer.table(["Field", "Value"], rows);
  }, { effect: "reads" }),
});
