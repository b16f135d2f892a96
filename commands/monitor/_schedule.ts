/**
 * What `monitor start|stop` and `health-check --schedule` share: installing the scheduled
 * `gestvenv health-check --alert-on-issues` and removing it.
 *
 * @module
 */
import {
  checkScheduledJob,
  defaultSchedulerHost,
  detectScheduler,
  installSchedule,
  monitorFiles,
  readAlertChannels,
  removeSchedule,
  scheduledJob,
  type ScheduleInterval,
} from "../../lib/monitor/mod.ts";
import type { CommandContext } from "../_context.ts";
import { selfCommand } from "../_self.ts";

/** The command line the scheduled job runs: this program's own invocation. */
export function scheduledArgv(): string[] {
  return [...selfCommand(), "health-check", "--alert-on-issues"];
}

/** A command line as one shell-readable string (for messages). */
export function showArgv(argv: readonly string[]): string {
  return argv.map((a) => /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`)
    .join(" ");
}

const SCHEDULER_NAMES: Record<string, string> = {
  systemd: "a systemd user timer",
  cron: "a cron entry",
  launchd: "a launchd agent",
  schtasks: "a Task Scheduler task",
};

/** Installs the scheduled check every `interval` (`monitor start`, `health-check --schedule`). */
export async function startSchedule(
  ctx: CommandContext,
  route: string,
  interval: ScheduleInterval,
  json: boolean,
): Promise<void> {
  const host = defaultSchedulerHost();
  const files = monitorFiles(ctx.home.root);
  const scheduler = await detectScheduler(host);
  const job = scheduledJob(files, ctx.home.root, scheduledArgv(), interval, Deno.env.toObject());
  if (ctx.dryRun) {
    // What the install would refuse (an interval cron cannot run, a path it cannot hold) is
    // refused here too.
    checkScheduledJob(scheduler, job);
    ctx.printer.info(
      `Would install ${SCHEDULER_NAMES[scheduler]} running \`${
        showArgv(job.argv)
      }\` every ${interval.label}`,
    );
    return;
  }
  const record = await installSchedule(files, host, scheduler, job);
  const channels = await readAlertChannels(files);
  if (json) {
    ctx.printer.json(route, { schedule: record, alert_channels: channels.length });
    return;
  }
  ctx.printer.success(
    `Installed ${
      SCHEDULER_NAMES[scheduler]
    }: \`gestvenv health-check --alert-on-issues\` every ${interval.label}`,
  );
  for (const file of record.files) ctx.printer.info(`  ${file}`);
  if (channels.length === 0) {
    ctx.printer.warn(
      "No alert channel yet: the check records its result only. Add one with " +
        "`gestvenv monitor alert slack|email|webhook`",
    );
  }
}

/** Removes the scheduled check (`monitor stop`, `health-check --schedule off`). */
export async function stopSchedule(
  ctx: CommandContext,
  route: string,
  json: boolean,
): Promise<void> {
  const host = defaultSchedulerHost();
  const files = monitorFiles(ctx.home.root);
  if (ctx.dryRun) {
    const { readSchedule } = await import("../../lib/monitor/mod.ts");
    const schedule = await readSchedule(files);
    ctx.printer.info(
      schedule === undefined
        ? "Nothing to remove: no scheduled check is installed"
        : `Would remove ${SCHEDULER_NAMES[schedule.scheduler]} (every ${schedule.interval})`,
    );
    return;
  }
  const removed = await removeSchedule(files, host);
  if (json) {
    ctx.printer.json(route, { removed: removed ?? null });
    return;
  }
  if (removed === undefined) {
    ctx.printer.info("No scheduled check was installed: nothing to remove");
    return;
  }
  ctx.printer.success(`Removed ${SCHEDULER_NAMES[removed.scheduler]} (every ${removed.interval})`);
  for (const file of removed.files) ctx.printer.info(`  ${file}`);
}
