/**
 * Installing and removing the scheduled check, with no daemon of ours: a systemd user timer where
 * the user's systemd answers, else a cron entry; a launchd agent on macOS; a Task Scheduler task on
 * Windows. `<home>/monitor/schedule.json` records exactly what was installed, which is what
 * {@linkcode removeSchedule} removes.
 *
 * The programs are `systemctl`, `crontab`, `launchctl` and `schtasks` from `PATH`, or those named
 * by `GESTVENV_SYSTEMCTL`, `GESTVENV_CRONTAB`, `GESTVENV_LAUNCHCTL` and `GESTVENV_SCHTASKS`;
 * `GESTVENV_SCHEDULER=systemd|cron|launchd|schtasks` skips the detection (advanced: tests, and
 * machines where the detection guesses wrong).
 *
 * @module
 */
import { ConfigError, GestvenvError, UsageError } from "../errors/mod.ts";
import { atomicWriteFile } from "../fs/mod.ts";
import { join, readEnv, userHomeDir } from "../paths/mod.ts";
import {
  type MonitorFiles,
  readMonitorJson,
  withMonitorLock,
  writeMonitorJson,
} from "./monitor_files.ts";
import type { ScheduleInterval } from "./schedule_interval.ts";
import {
  checkScheduledJob,
  LAUNCHD_LABEL,
  launchdPlist,
  MANAGED_MARKER,
  type ScheduledJob,
  SCHTASKS_NAME,
  schtasksCreateArgs,
  SYSTEMD_UNIT,
  systemdUnits,
  withCronBlock,
  withoutCronBlock,
} from "./scheduler_texts.ts";

/** The schedulers gestvenv can install a job into. */
export type SchedulerKind = "systemd" | "cron" | "launchd" | "schtasks";

const KINDS: readonly SchedulerKind[] = ["systemd", "cron", "launchd", "schtasks"];

/** What `schedule.json` records. */
export interface InstalledSchedule {
  format: 1;
  scheduler: SchedulerKind;
  /** The interval as written (`1h`) and in seconds. */
  interval: string;
  seconds: number;
  /** The command the job runs, and its variables. */
  argv: string[];
  env: Array<[string, string]>;
  /** Files written for the scheduler (units, plist), removed by `stop`. */
  files: string[];
  /** When it was installed (ISO 8601). */
  installed_at: string;
}

/** How the scheduler programs are run (tests give a recorder). */
export interface ProgramRunner {
  (
    argv: readonly string[],
    stdin?: string,
  ): Promise<{ code: number; stdout: string; stderr: string }>;
}

/** Runs a program with `Deno.Command`; a missing program is exit code 127. */
export const runProgram: ProgramRunner = async (argv, stdin) => {
  try {
    const child = new Deno.Command(argv[0]!, {
      args: argv.slice(1),
      stdin: stdin === undefined ? "null" : "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    if (stdin !== undefined) {
      const writer = child.stdin.getWriter();
      await writer.write(new TextEncoder().encode(stdin));
      await writer.close();
    }
    const out = await child.output();
    const decoder = new TextDecoder();
    return {
      code: out.code,
      stdout: decoder.decode(out.stdout),
      stderr: decoder.decode(out.stderr),
    };
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      return { code: 127, stdout: "", stderr: "not found" };
    }
    throw error;
  }
};

/** The scheduler programs (variables or `PATH`). */
export interface SchedulerPrograms {
  systemctl: string;
  crontab: string;
  launchctl: string;
  schtasks: string;
}

/** The programs, from `GESTVENV_SYSTEMCTL` etc. or their plain names. */
export function schedulerPrograms(
  env: (name: string) => string | undefined = readEnv,
): SchedulerPrograms {
  return {
    systemctl: env("GESTVENV_SYSTEMCTL") ?? "systemctl",
    crontab: env("GESTVENV_CRONTAB") ?? "crontab",
    launchctl: env("GESTVENV_LAUNCHCTL") ?? "launchctl",
    schtasks: env("GESTVENV_SCHTASKS") ?? "schtasks",
  };
}

/** What the scheduling functions need from the machine. */
export interface SchedulerHost {
  programs: SchedulerPrograms;
  run: ProgramRunner;
  /** The variables (`GESTVENV_SCHEDULER`, `XDG_CONFIG_HOME`, `HOME`). */
  env: (name: string) => string | undefined;
  /** `Deno.build.os`. */
  os: string;
  /** The user id (launchd's `gui/<uid>` domain), or null. */
  uid: number | null;
}

/** The real machine's {@linkcode SchedulerHost}. */
export function defaultSchedulerHost(): SchedulerHost {
  return {
    programs: schedulerPrograms(),
    run: runProgram,
    env: readEnv,
    os: Deno.build.os,
    uid: Deno.uid(),
  };
}

/**
 * The scheduler to use: `GESTVENV_SCHEDULER` when set; launchd on macOS; Task Scheduler on
 * Windows; elsewhere systemd when `systemctl --user show-environment` answers (the user's
 * systemd is reachable), else cron when a `crontab` program runs.
 *
 * @throws {UsageError} (exit 2) for an unknown `GESTVENV_SCHEDULER`.
 * @throws {GestvenvError} (exit 1) when neither systemd nor cron is there.
 */
export async function detectScheduler(host: SchedulerHost): Promise<SchedulerKind> {
  const forced = host.env("GESTVENV_SCHEDULER");
  if (forced !== undefined) {
    if (!KINDS.includes(forced as SchedulerKind)) {
      throw new UsageError(`GESTVENV_SCHEDULER=${forced} is not a scheduler`, {
        hint: `Use one of ${KINDS.join(", ")}, or unset it`,
      });
    }
    return forced as SchedulerKind;
  }
  if (host.os === "darwin") return "launchd";
  if (host.os === "windows") return "schtasks";
  const systemd = await host.run([host.programs.systemctl, "--user", "show-environment"]);
  if (systemd.code === 0) return "systemd";
  const cron = await host.run([host.programs.crontab, "-l"]);
  if (cron.code !== 127) return "cron";
  throw new GestvenvError(
    "No scheduler: the user's systemd does not answer and there is no `crontab`",
    1,
    "no_scheduler",
    {
      hint: "Install cron (e.g. `apt-get install cron`), or enable a user systemd session " +
        "(`loginctl enable-linger $USER`)",
    },
  );
}

function systemdDir(host: SchedulerHost): string {
  const config = host.env("XDG_CONFIG_HOME") ?? join(userHomeDir(host.env), ".config");
  return join(config, "systemd", "user");
}

function launchdPlistPath(host: SchedulerHost): string {
  return join(userHomeDir(host.env), "Library", "LaunchAgents", `${LAUNCHD_LABEL}.plist`);
}

function failed(what: string, result: { code: number; stderr: string }, hint: string): never {
  throw new GestvenvError(
    `${what} failed (exit ${result.code})${
      result.stderr.trim() === "" ? "" : `: ${result.stderr.trim()}`
    }`,
    1,
    "scheduler",
    { hint },
  );
}

/** Writes a file for a scheduler, refusing to replace one gestvenv did not write. */
async function writeManaged(path: string, text: string): Promise<void> {
  const old = await Deno.readTextFile(path).catch(() => undefined);
  if (old !== undefined && !old.includes(MANAGED_MARKER)) {
    throw new ConfigError(`${path} exists and was not written by gestvenv`, {
      hint: "Move it away (it is yours), then run `gestvenv monitor start` again",
    });
  }
  await atomicWriteFile(path, text);
}

/** Removes a file gestvenv wrote (one without the marker, or missing, is left alone). */
async function removeManaged(path: string): Promise<boolean> {
  const old = await Deno.readTextFile(path).catch(() => undefined);
  if (old === undefined || !old.includes(MANAGED_MARKER)) return false;
  await Deno.remove(path);
  return true;
}

async function readCrontab(host: SchedulerHost): Promise<string> {
  const result = await host.run([host.programs.crontab, "-l"]);
  if (result.code === 0) return result.stdout;
  // "no crontab for USER" is how every cron says the user has none.
  if (/no crontab/i.test(result.stderr)) return "";
  failed("`crontab -l`", result, "Check that cron is installed and that you may use it");
}

async function writeCrontab(host: SchedulerHost, text: string): Promise<void> {
  const result = text === ""
    ? await host.run([host.programs.crontab, "-r"])
    : await host.run([host.programs.crontab, "-"], text);
  if (result.code !== 0) {
    failed("`crontab -`", result, "Check that cron is installed and that you may use it");
  }
}

/**
 * Reads `schedule.json`: what `monitor start` installed, or undefined.
 *
 * @throws {ConfigError} (exit 10) when it is damaged.
 */
export async function readSchedule(files: MonitorFiles): Promise<InstalledSchedule | undefined> {
  const data = await readMonitorJson(files.schedule);
  if (data === undefined) return undefined;
  if (data.format !== 1 || !KINDS.includes(data.scheduler as SchedulerKind)) {
    throw new ConfigError(`${files.schedule} is damaged`, {
      hint: "Remove what it installed by hand, then the file",
    });
  }
  return data as unknown as InstalledSchedule;
}

/** Whether `path` exists and carries gestvenv's marker (a file of the same name may be the user's). */
async function isManaged(path: string): Promise<boolean> {
  const text = await Deno.readTextFile(path).catch(() => undefined);
  return text !== undefined && text.includes(MANAGED_MARKER);
}

async function uninstall(host: SchedulerHost, schedule: InstalledSchedule): Promise<void> {
  const p = host.programs;
  switch (schedule.scheduler) {
    case "systemd": {
      // Only our timer is stopped: a timer of the same name that is not ours (no marker, or not
      // written by this install) is the user's and stays enabled. A timer that is not loaded any
      // more is not an error: the files are what is left.
      const timer = schedule.files.find((f) => f.endsWith(`${SYSTEMD_UNIT}.timer`));
      if (timer !== undefined && await isManaged(timer)) {
        await host.run([p.systemctl, "--user", "disable", "--now", `${SYSTEMD_UNIT}.timer`]);
      }
      for (const file of schedule.files) await removeManaged(file);
      await host.run([p.systemctl, "--user", "daemon-reload"]);
      return;
    }
    case "cron": {
      const { text, found } = withoutCronBlock(await readCrontab(host));
      if (found) await writeCrontab(host, text);
      return;
    }
    case "launchd": {
      // Only our agent is booted out (see systemd above).
      const plist = schedule.files[0];
      if (host.uid !== null && plist !== undefined && await isManaged(plist)) {
        await host.run([p.launchctl, "bootout", `gui/${host.uid}/${LAUNCHD_LABEL}`]);
      }
      for (const file of schedule.files) await removeManaged(file);
      return;
    }
    case "schtasks": {
      await host.run([p.schtasks, "/Delete", "/F", "/TN", SCHTASKS_NAME]);
      return;
    }
  }
}

/**
 * Installs `job` into `scheduler` (replacing what an earlier `start` installed) and records it in
 * `schedule.json`, under the monitoring lock:
 *
 * - systemd: `gestvenv-monitor.service` and `.timer` in `$XDG_CONFIG_HOME/systemd/user`, then
 *   `systemctl --user daemon-reload` and `enable --now gestvenv-monitor.timer`;
 * - cron: gestvenv's marked block in `crontab -l`, written back with `crontab -` (other lines
 *   kept byte for byte);
 * - launchd: `~/Library/LaunchAgents/org.gestvenv.monitor.plist`, `launchctl bootstrap gui/UID`;
 * - schtasks: `schtasks /Create /F /SC … /TN gestvenv-monitor /TR …`.
 *
 * A failed step removes what this call wrote. Requires `--allow-run`, `--allow-read`,
 * `--allow-write`, `--allow-env`.
 *
 * @throws {GestvenvError} (exit 1) when a scheduler program failed (its message included).
 * @throws {ConfigError} (exit 10) when a unit or plist of the same name exists and is not ours.
 * @throws {UsageError} (exit 2) when the scheduler cannot express the interval.
 */
export async function installSchedule(
  files: MonitorFiles,
  host: SchedulerHost,
  scheduler: SchedulerKind,
  job: ScheduledJob,
  now: Date = new Date(),
): Promise<InstalledSchedule> {
  return await withMonitorLock(files, async () => {
    const previous = await readSchedule(files);
    if (previous !== undefined) await uninstall(host, previous);
    const p = host.programs;
    const written: string[] = [];
    const record: InstalledSchedule = {
      format: 1,
      scheduler,
      interval: job.interval.label,
      seconds: job.interval.seconds,
      argv: [...job.argv],
      env: job.env.map(([k, v]) => [k, v]),
      files: written,
      installed_at: now.toISOString(),
    };
    // The record first, naming the files this install will write: a crash part-way leaves a
    // record that `monitor status` shows and `monitor stop` removes (only marked files, only
    // gestvenv's crontab block). Texts are built before: a refusal writes nothing.
    checkScheduledJob(scheduler, job);
    const planned = scheduler === "systemd"
      ? ["service", "timer"].map((ext) => join(systemdDir(host), `${SYSTEMD_UNIT}.${ext}`))
      : scheduler === "launchd"
      ? [launchdPlistPath(host)]
      : [];
    await writeMonitorJson(files.schedule, { ...record, files: planned });
    try {
      switch (scheduler) {
        case "systemd": {
          const dir = systemdDir(host);
          const units = systemdUnits(job);
          for (const [ext, text] of [["service", units.service], ["timer", units.timer]]) {
            const path = join(dir, `${SYSTEMD_UNIT}.${ext}`);
            await writeManaged(path, text!);
            written.push(path);
          }
          const reload = await host.run([p.systemctl, "--user", "daemon-reload"]);
          if (reload.code !== 0) {
            failed("`systemctl --user daemon-reload`", reload, "Check `systemctl --user status`");
          }
          const enable = await host.run([
            p.systemctl,
            "--user",
            "enable",
            "--now",
            `${SYSTEMD_UNIT}.timer`,
          ]);
          if (enable.code !== 0) {
            failed(
              "`systemctl --user enable --now gestvenv-monitor.timer`",
              enable,
              "Check `systemctl --user status gestvenv-monitor.timer`",
            );
          }
          break;
        }
        case "cron":
          await writeCrontab(host, withCronBlock(await readCrontab(host), job));
          break;
        case "launchd": {
          const path = launchdPlistPath(host);
          await writeManaged(path, launchdPlist(job));
          written.push(path);
          if (host.uid === null) {
            throw new GestvenvError("launchd needs a user id", 1, "scheduler");
          }
          await host.run([p.launchctl, "bootout", `gui/${host.uid}/${LAUNCHD_LABEL}`]);
          const boot = await host.run([p.launchctl, "bootstrap", `gui/${host.uid}`, path]);
          if (boot.code !== 0) {
            failed("`launchctl bootstrap`", boot, `Check \`launchctl print gui/${host.uid}\``);
          }
          break;
        }
        case "schtasks": {
          const create = await host.run([p.schtasks, ...schtasksCreateArgs(job)]);
          if (create.code !== 0) {
            failed("`schtasks /Create`", create, "Check that Task Scheduler is running");
          }
          break;
        }
      }
    } catch (error) {
      await uninstall(host, record).catch(() => {});
      await Deno.remove(files.schedule).catch(() => {});
      throw error;
    }
    await writeMonitorJson(files.schedule, record);
    return record;
  });
}

/**
 * Removes exactly what `schedule.json` says was installed (the units or plist only if they still
 * carry gestvenv's marker, the crontab block only), then `schedule.json`.
 *
 * @returns What was removed, or undefined when nothing was installed.
 * @throws {GestvenvError} (exit 1) when `crontab` failed.
 */
export async function removeSchedule(
  files: MonitorFiles,
  host: SchedulerHost,
): Promise<InstalledSchedule | undefined> {
  return await withMonitorLock(files, async () => {
    const schedule = await readSchedule(files);
    if (schedule === undefined) return undefined;
    await uninstall(host, schedule);
    await Deno.remove(files.schedule).catch((e) => {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    });
    return schedule;
  });
}

/**
 * Whether what `schedule.json` records is still in place: the unit/plist files exist, the crontab
 * holds the block (asks `crontab -l`), the task exists (`schtasks /Query`).
 */
export async function scheduleInPlace(
  host: SchedulerHost,
  schedule: InstalledSchedule,
): Promise<boolean> {
  switch (schedule.scheduler) {
    case "systemd":
    case "launchd": {
      for (const f of schedule.files) {
        if (!(await Deno.stat(f).then(() => true, () => false))) return false;
      }
      return true;
    }
    case "cron":
      try {
        return withoutCronBlock(await readCrontab(host)).found;
      } catch {
        return false;
      }
    case "schtasks":
      return (await host.run([host.programs.schtasks, "/Query", "/TN", SCHTASKS_NAME])).code === 0;
  }
}

/**
 * Variables the scheduled job carries from the environment of `monitor start` when set: where the
 * cache is (the audit database lives there) and the proxy to reach the alert channels.
 */
export const CARRIED_VARIABLES = [
  "GESTVENV_CACHE_DIR",
  "GESTVENV_CACHE_PATH",
  "HTTPS_PROXY",
  "https_proxy",
  "HTTP_PROXY",
  "http_proxy",
  "NO_PROXY",
  "no_proxy",
] as const;

/**
 * The job for `argv` run every `interval` with `GESTVENV_HOME=home` and the
 * {@linkcode CARRIED_VARIABLES} set in `environment` (a proxy URL holding credentials is not
 * written into the scheduler's files: set it in the scheduler's own environment), logging to the
 * monitor dir.
 */
export function scheduledJob(
  files: MonitorFiles,
  home: string,
  argv: readonly string[],
  interval: ScheduleInterval,
  environment: Readonly<Record<string, string | undefined>> = {},
): ScheduledJob {
  const carried: Array<[string, string]> = [];
  for (const name of CARRIED_VARIABLES) {
    const value = environment[name];
    if (value === undefined || value === "") continue;
    if (/proxy/i.test(name) && /^[a-z][a-z0-9+.-]*:\/\/[^/@]*@/i.test(value)) continue;
    carried.push([name, value]);
  }
  return {
    argv,
    env: [["GESTVENV_HOME", home], ...carried],
    interval,
    logFile: join(files.dir, "scheduled.log"),
  };
}
