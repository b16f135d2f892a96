/**
 * The exact texts the schedulers are given: systemd user units, a marked crontab block, a launchd
 * agent's plist and Task Scheduler's `schtasks /Create` arguments. Pure functions: the argv to
 * run and the variables to set come in, text goes out.
 *
 * @module
 */
import { ConfigError, UsageError } from "../errors/mod.ts";
import type { ScheduleInterval } from "./schedule_interval.ts";

/** What a scheduler is asked to run. */
export interface ScheduledJob {
  /** The program and its arguments (`gestvenv health-check --alert-on-issues`). */
  argv: readonly string[];
  /** Variables to set (`GESTVENV_HOME`), in order. */
  env: ReadonlyArray<readonly [string, string]>;
  /** How often. */
  interval: ScheduleInterval;
  /** Where the job's output goes (cron and launchd), or undefined to drop it. */
  logFile?: string | undefined;
}

/** The systemd units' name (`gestvenv-monitor.service` and `.timer`). */
export const SYSTEMD_UNIT = "gestvenv-monitor";
/** The launchd agent's label (and plist name). */
export const LAUNCHD_LABEL = "org.gestvenv.monitor";
/** The Task Scheduler task's name. */
export const SCHTASKS_NAME = "gestvenv-monitor";
/** The first line of every file gestvenv writes for a scheduler: what `stop` may remove. */
export const MANAGED_MARKER =
  "Written by `gestvenv monitor start`; removed by `gestvenv monitor stop`.";
/** The lines that open and close gestvenv's block in a crontab. */
export const CRON_BEGIN = `# BEGIN gestvenv-monitor (${MANAGED_MARKER})`;
export const CRON_END = "# END gestvenv-monitor";

/**
 * Refuses a word with a control character (a newline would start a new crontab line or unit
 * directive).
 *
 * @throws {UsageError} (exit 2) naming no path (it may be anything).
 */
function refuseControl(word: string): string {
  if ([...word].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f)) {
    throw new UsageError("A path of the scheduled command holds a control character", {
      hint: "Move gestvenv or its home to a path without one",
    });
  }
  return word;
}

/** A word of a systemd command line or assignment, quoted (`\`, `"` escaped; `%` and `$` doubled). */
export function systemdQuote(word: string): string {
  refuseControl(word);
  return `"${
    word.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("%", "%%").replaceAll(
      "$",
      "$$$$",
    )
  }"`;
}

/** The systemd service and timer units (`~/.config/systemd/user/gestvenv-monitor.*`). */
export function systemdUnits(job: ScheduledJob): { service: string; timer: string } {
  const env = job.env.map(([k, v]) =>
    `Environment=${systemdQuote(`${k}=${v}`).replaceAll("$$", "$")}\n`
  )
    .join("");
  const service = `# ${MANAGED_MARKER}\n[Unit]\nDescription=gestvenv scheduled health check\n\n` +
    `[Service]\nType=oneshot\n${env}ExecStart=${job.argv.map(systemdQuote).join(" ")}\n`;
  const when = job.interval.calendar !== undefined
    ? `OnCalendar=${job.interval.calendar}\nPersistent=true\n`
    : `OnActiveSec=${job.interval.seconds}s\nOnUnitActiveSec=${job.interval.seconds}s\n`;
  const timer =
    `# ${MANAGED_MARKER}\n[Unit]\nDescription=Run gestvenv's health check every ${job.interval.label}\n\n` +
    `[Timer]\n${when}Unit=${SYSTEMD_UNIT}.service\n\n[Install]\nWantedBy=timers.target\n`;
  return { service, timer };
}

/** A word for sh, single-quoted (`'` as `'\''`). */
export function shQuote(word: string): string {
  return `'${word.replaceAll("'", "'\\''")}'`;
}

/**
 * The cron schedule fields for an interval: minutes dividing 60, hours dividing 24, one day or
 * one week.
 *
 * @throws {UsageError} (exit 2) for an interval cron cannot express (e.g. 45m, 5h, 2d).
 */
export function cronFields(interval: ScheduleInterval): string {
  const s = interval.seconds;
  if (s % 60 === 0 && s < 3600 && 3600 % s === 0) return `*/${s / 60} * * * *`;
  if (s === 3600) return "0 * * * *";
  if (s % 3600 === 0 && s < 86_400 && 86_400 % s === 0) return `0 */${s / 3600} * * *`;
  if (s === 86_400) return "0 0 * * *";
  if (s === 604_800) return "0 0 * * 0";
  throw new UsageError(`cron cannot run a job every ${interval.label}`, {
    hint: "With cron, give minutes or hours that divide an hour or a day (5m, 10m, 15m, 30m, " +
      "1h, 2h, 3h, 4h, 6h, 8h, 12h), 1d or 1w",
  });
}

/**
 * gestvenv's block for a crontab (three lines, each ending with `\n`).
 *
 * @throws {UsageError} (exit 2) for an interval cron cannot express, or a word with a control
 *   character (a newline would add a crontab line).
 */
export function cronBlock(job: ScheduledJob): string {
  for (const [k, v] of job.env) refuseControl(`${k}=${v}`);
  for (const a of job.argv) refuseControl(a);
  if (job.logFile !== undefined) refuseControl(job.logFile);
  const env = job.env.map(([k, v]) => `${k}=${shQuote(v)} `).join("");
  const out = job.logFile === undefined ? ">/dev/null" : `>${shQuote(job.logFile)}`;
  // cron turns an unescaped % into a newline: escape it in the command.
  const command = `${env}${job.argv.map(shQuote).join(" ")} ${out} 2>&1`.replaceAll("%", "\\%");
  return `${CRON_BEGIN}\n${cronFields(job.interval)} ${command}\n${CRON_END}\n`;
}

/**
 * `crontab` with gestvenv's block removed (every other byte kept), and whether it had one. Only
 * the shape gestvenv writes is removed: the BEGIN line, one command line, the END line.
 *
 * @throws {ConfigError} (exit 10) when a BEGIN line is not followed by one line and the END line
 *   (edited by hand): nothing is removed, so no line of the user's is lost.
 */
export function withoutCronBlock(crontab: string): { text: string; found: boolean } {
  const lines = crontab.split(/(?<=\n)/);
  const bare = (i: number) => lines[i]?.replace(/\r?\n$/, "");
  const out: string[] = [];
  let found = false;
  for (let i = 0; i < lines.length; i++) {
    if (bare(i) !== CRON_BEGIN) {
      out.push(lines[i]!);
      continue;
    }
    const command = bare(i + 1);
    if (
      command === undefined || command === CRON_BEGIN || command === CRON_END ||
      bare(i + 2) !== CRON_END
    ) {
      throw new ConfigError(
        "gestvenv's block in your crontab was edited (no `# END` line after its command)",
        {
          hint:
            "Fix it with `crontab -e`: keep or remove the three lines from `# BEGIN gestvenv-monitor` " +
            "to `# END gestvenv-monitor` together, then run the command again",
        },
      );
    }
    found = true;
    i += 2;
  }
  return { text: out.join(""), found };
}

/** `crontab` with gestvenv's block replaced by (or added as) the block for `job`. */
export function withCronBlock(crontab: string, job: ScheduledJob): string {
  const { text } = withoutCronBlock(crontab);
  const sep = text === "" || text.endsWith("\n") ? "" : "\n";
  return `${text}${sep}${cronBlock(job)}`;
}

function xml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

/**
 * The launchd agent (`~/Library/LaunchAgents/org.gestvenv.monitor.plist`).
 *
 * @throws {UsageError} (exit 2) for a word with a control character (not valid in a plist).
 */
export function launchdPlist(job: ScheduledJob): string {
  for (const [k, v] of job.env) refuseControl(`${k}=${v}`);
  for (const a of job.argv) refuseControl(a);
  if (job.logFile !== undefined) refuseControl(job.logFile);
  const args = job.argv.map((a) => `    <string>${xml(a)}</string>\n`).join("");
  const env = job.env.map(([k, v]) => `    <key>${xml(k)}</key>\n    <string>${xml(v)}</string>\n`)
    .join("");
  const log = job.logFile === undefined ? "/dev/null" : job.logFile;
  return `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n` +
    `<!-- ${MANAGED_MARKER} -->\n` +
    `<plist version="1.0">\n<dict>\n` +
    `  <key>Label</key>\n  <string>${LAUNCHD_LABEL}</string>\n` +
    `  <key>ProgramArguments</key>\n  <array>\n${args}  </array>\n` +
    `  <key>EnvironmentVariables</key>\n  <dict>\n${env}  </dict>\n` +
    `  <key>StartInterval</key>\n  <integer>${job.interval.seconds}</integer>\n` +
    `  <key>RunAtLoad</key>\n  <false/>\n` +
    `  <key>StandardOutPath</key>\n  <string>${xml(log)}</string>\n` +
    `  <key>StandardErrorPath</key>\n  <string>${xml(log)}</string>\n` +
    `</dict>\n</plist>\n`;
}

/** A word for a Windows command line (CommandLineToArgvW rules), double-quoted. */
export function windowsQuote(word: string): string {
  refuseControl(word);
  if (/["%]/.test(word)) {
    throw new UsageError('A path of the scheduled command holds a `"` or `%`', {
      hint: "Move gestvenv or its home to a path without one",
    });
  }
  return `"${word.replace(/(\\+)$/, "$1$1")}"`;
}

/**
 * The arguments of `schtasks /Create` for `job`: `/SC MINUTE|HOURLY|DAILY|WEEKLY /MO n`, the task
 * name, and `/TR` running `cmd /d /c` that sets the variables then runs the argv.
 *
 * @throws {UsageError} (exit 2) when the command line is longer than Task Scheduler's 261
 *   characters of `/TR`, or the interval is outside what `/MO` takes (MINUTE 1–1439, HOURLY
 *   1–23, DAILY 1–365, WEEKLY 1–52: e.g. 25h).
 */
export function schtasksCreateArgs(job: ScheduledJob): string[] {
  const s = job.interval.seconds;
  const [sc, mo] = s % 604_800 === 0
    ? ["WEEKLY", s / 604_800]
    : s % 86_400 === 0
    ? ["DAILY", s / 86_400]
    : s % 3600 === 0 && s < 86_400
    ? ["HOURLY", s / 3600]
    : ["MINUTE", s / 60];
  const max = { WEEKLY: 52, DAILY: 365, HOURLY: 23, MINUTE: 1439 }[sc as "MINUTE"];
  if (!Number.isInteger(mo) || mo < 1 || mo > max) {
    throw new UsageError(`Task Scheduler cannot run a job every ${job.interval.label}`, {
      hint: "Give minutes up to 1439 (23h59m), whole hours up to 23h, whole days up to 365d, " +
        "or whole weeks up to 52w",
    });
  }
  const sets = job.env.map(([k, v]) => `set ${windowsQuote(`${k}=${v}`)} && `).join("");
  const tr = `cmd /d /c "${sets}${job.argv.map(windowsQuote).join(" ")}"`;
  if (tr.length > 261) {
    throw new UsageError(
      `The scheduled command is ${tr.length} characters long; Task Scheduler takes at most 261`,
      { hint: "Install gestvenv as a compiled binary in a short path (e.g. C:\\gestvenv)" },
    );
  }
  return ["/Create", "/F", "/SC", sc, "/MO", String(mo), "/TN", SCHTASKS_NAME, "/TR", tr];
}

/**
 * Builds `scheduler`'s text for `job` without installing anything (what `--dry-run` checks): the
 * same refusals as the install.
 *
 * @throws {UsageError} (exit 2) when the scheduler cannot express the interval or a path.
 */
export function checkScheduledJob(
  scheduler: "systemd" | "cron" | "launchd" | "schtasks",
  job: ScheduledJob,
): void {
  if (scheduler === "systemd") systemdUnits(job);
  else if (scheduler === "cron") cronBlock(job);
  else if (scheduler === "launchd") launchdPlist(job);
  else schtasksCreateArgs(job);
}
