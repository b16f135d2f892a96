import { buildCommand } from "npm:@stricli/core@1.3.0";
import type { DoctorCheck } from "../lib/doctor/mod.ts";
import { GestvenvError, UsageError } from "../lib/errors/mod.ts";
import type { LastCheck, LastCheckVulnerability } from "../lib/monitor/mod.ts";
import {
  action,
  type CliContext,
  type CommandContext,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "./_context.ts";
import { examples, optionalText, toggle } from "./_help.ts";
import { printDoctorReport } from "./_doctor_report.ts";

interface HealthCheckFlags extends GlobalFlags {
  readonly alertOnIssues?: boolean;
  readonly schedule?: string;
}

const SCHEDULES = new Set(["hourly", "daily", "weekly", "off"]);

/** What the vulnerability audit of an `--alert-on-issues` run found. */
type VulnerabilityScan = LastCheck["vulnerabilities"];

/**
 * The environments' known vulnerabilities from the offline database, by running
 * `audit --all --source db --format json` in this process (the audit's own document, not a second
 * audit). Without the database (`gestvenv audit db update`), nothing is audited and the reason is
 * given: a scheduled check uses no network.
 */
async function scanVulnerabilities(ctx: CommandContext): Promise<VulnerabilityScan> {
  const { auditDbPath } = await import("../lib/audit/mod.ts");
  const exists = await Deno.stat(auditDbPath(ctx.home.cacheDir)).then(() => true, () => false);
  if (!exists) {
    return {
      checked: false,
      source: null,
      reason: "no offline vulnerability database (`gestvenv audit db update` imports one)",
      findings: [],
    };
  }
  const { runInProcess } = await import("./mod.ts");
  const { captureTerminal } = await import("./_terminal.ts");
  const terminal = captureTerminal(ctx.signal === undefined ? {} : { signal: ctx.signal });
  const code = await runInProcess(
    ["audit", "--all", "--source", "db", "--format", "json", "--quiet"],
    terminal,
  );
  let data: {
    targets?: Array<{
      kind: string;
      name: string;
      findings: Array<Omit<LastCheckVulnerability, "environment">>;
    }>;
  } | undefined;
  try {
    data = JSON.parse(terminal.out).data;
  } catch {
    data = undefined;
  }
  if ((code !== 0 && code !== 1) || data?.targets === undefined) {
    const said = terminal.err.split("\n").find((l) => l.startsWith("error:"))?.slice(7).trim();
    return {
      checked: false,
      source: null,
      reason: `the audit failed (exit ${code})${said === undefined ? "" : `: ${said}`}`,
      findings: [],
    };
  }
  const findings: LastCheckVulnerability[] = [];
  for (const target of data.targets) {
    if (target.kind !== "environment") continue;
    for (const f of target.findings) {
      findings.push({
        environment: target.name,
        package: f.package,
        version: f.version,
        id: f.id,
        severity: f.severity,
        summary: f.summary,
        fixed_versions: f.fixed_versions,
      });
    }
  }
  return { checked: true, source: "db", reason: null, findings };
}

/** `gestvenv health-check`: `doctor`'s fast subset, for scripts and schedulers. */
export const healthCheckCommand = buildCommand<HealthCheckFlags, [], CliContext>({
  docs: {
    brief: "Fast health check for scripts: registry, interpreters, cache, config (no network)",
    fullDescription: examples([
      [
        "gestvenv health-check",
        "silent and exit 0 when healthy; the problems and exit 1 on errors",
      ],
      [
        "gestvenv health-check --alert-on-issues",
        "exit 1 on warnings too; alert the channels of `monitor alert` about new problems",
      ],
      ["gestvenv health-check --schedule daily", "run that every day (`monitor start`)"],
      ["gestvenv health-check --verbose", "every check, also when healthy"],
      ["gestvenv health-check --format json", "the findings as data"],
    ]) +
      "\nChecks the registry against the disk, each environment's pyvenv.cfg and interpreter, the" +
      "\ncache's size and disk space, and the configuration. No file is hashed, no index asked and" +
      "\nno backend run: `gestvenv doctor --full` does that. Each run records its result in" +
      "\n<home>/monitor/last_check.json (`monitor status`). With --alert-on-issues it also audits" +
      "\nthe environments against the offline vulnerability database when there is one, and sends" +
      "\neach new error or vulnerability once to every alert channel (a channel that fails does" +
      "\nnot stop the others; the exit code is then the failure's, 5 for the network).",
  },
  parameters: {
    flags: {
      ...GLOBAL_FLAGS,
      alertOnIssues: toggle(
        "Exit 1 on any warning as well as on errors, and alert about new problems",
      ),
      schedule: optionalText(
        "Install (hourly, daily, weekly) or remove (off) the scheduled `--alert-on-issues` run",
        "when",
      ),
    },
    aliases: GLOBAL_ALIASES,
  },
  func: action("health-check", async (ctx, flags: HealthCheckFlags) => {
    const format = formatFor(ctx, ["table", "json"], "table");
    if (flags.schedule !== undefined) {
      if (!SCHEDULES.has(flags.schedule)) {
        throw new UsageError(`--schedule ${flags.schedule} is not hourly, daily, weekly or off`, {
          hint:
            "gestvenv health-check --schedule daily; `monitor start --interval` takes any interval",
        });
      }
      const schedule = await import("./monitor/_schedule.ts");
      if (flags.schedule === "off") {
        await schedule.stopSchedule(ctx, "health-check", format === "json");
      } else {
        const { parseScheduleInterval } = await import("../lib/monitor/mod.ts");
        await schedule.startSchedule(
          ctx,
          "health-check",
          parseScheduleInterval(flags.schedule),
          format === "json",
        );
      }
      return;
    }
    const doctor = await import("../lib/doctor/mod.ts");
    const env = ctx.environments();
    const started = new Date();
    const checks = await doctor.healthCheck(env, {
      configFile: ctx.home.configFile,
      cacheMaxSize: env.settings.cacheMaxSize.value,
    });
    const errors = checks.filter((c) => c.severity === "error").length;
    const warnings = checks.filter((c) => c.severity === "warning").length;
    const monitoring = await recordAndAlert(ctx, checks, {
      alert: flags.alertOnIssues === true,
      time: started,
    });
    const code = monitoring.exitCode;
    if (format === "json") {
      ctx.printer.json("health-check", {
        checks,
        errors,
        warnings,
        healthy: errors === 0,
        ...(flags.alertOnIssues === true
          ? { vulnerabilities: monitoring.vulnerabilities, alerts: monitoring.alerts }
          : {}),
      }, code === 0 ? "success" : "error");
    } else {
      if (ctx.printer.verbose) printDoctorReport(ctx, checks);
      else if (errors + warnings > 0) {
        printDoctorReport(
          ctx,
          checks.filter((c) => c.severity === "error" || c.severity === "warning"),
          checks,
        );
      }
      const vulns = monitoring.vulnerabilities;
      if (vulns !== undefined && vulns.findings.length > 0) {
        ctx.printer.data(
          `${vulns.findings.length} known vulnerabilit${
            vulns.findings.length === 1 ? "y" : "ies"
          } (offline database): ` +
            vulns.findings.map((v) => `${v.package} ${v.version} ${v.id} (${v.environment})`)
              .join(", "),
        );
      }
      for (const d of monitoring.alerts ?? []) {
        if (d.status === "sent") {
          ctx.printer.info(
            `Alerted ${d.channel}: ${d.findings} new finding${d.findings === 1 ? "" : "s"}`,
          );
        } else if (d.status === "failed") {
          ctx.printer.warn(`Alert to ${d.channel} failed: ${d.error}`);
        }
      }
    }
    return code;
  }, { effect: "reads" }),
});

/**
 * Writes `last_check.json` (not under `--dry-run`) and, with `alert`, audits against the offline
 * database and delivers the new findings to the alert channels.
 */
async function recordAndAlert(
  ctx: CommandContext,
  checks: readonly DoctorCheck[],
  options: { alert: boolean; time: Date },
): Promise<{
  exitCode: number;
  vulnerabilities?: VulnerabilityScan;
  alerts?: LastCheck["alerts"];
  failure?: GestvenvError;
}> {
  const monitor = await import("../lib/monitor/mod.ts");
  const files = monitor.monitorFiles(ctx.home.root);
  // Read as the checks read it: a damaged registry is reported (`registry.damaged`), never
  // repaired here; its entries that still parse are the environments.
  const { readRegistryForChecks } = await import("../lib/doctor/mod.ts");
  let names: string[] = [];
  try {
    names = (await readRegistryForChecks(ctx.environments())).records.map((r) => r.name);
  } catch {
    // A registry too new to read: the checks said so; the health map is then empty.
  }
  const failed = monitor.failedChecks(checks);
  const damaged = checks.some((c) => c.id === "registry.damaged");
  const vulnerabilities: VulnerabilityScan = !options.alert
    ? { checked: false, source: null, reason: "only `--alert-on-issues` audits", findings: [] }
    : damaged
    // The audit reads the registry the way commands that repair it do: left to the user.
    ? { checked: false, source: null, reason: "the registry is damaged", findings: [] }
    : await scanVulnerabilities(ctx);
  // A run that did not audit keeps the previous audit and alert deliveries (with their times):
  // the Prometheus exposition, `monitor status` and reports do not lose them.
  let previous: LastCheck | undefined;
  if (!options.alert) {
    try {
      previous = await monitor.readLastCheck(files);
    } catch {
      // A damaged file: this run writes a sound one.
    }
  }
  const audit: VulnerabilityScan = previous?.vulnerabilities.checked === true
    ? { ...previous.vulnerabilities, time: previous.vulnerabilities.time ?? previous.time }
    : vulnerabilities.checked
    ? { ...vulnerabilities, time: options.time.toISOString() }
    : vulnerabilities;
  const findings = monitor.alertFindings(failed, audit.findings);
  let alerts: LastCheck["alerts"] = [];
  let failure: GestvenvError | undefined;
  if (options.alert && !ctx.dryRun && ctx.settings.offline.value) {
    // Offline means no network: nothing is sent, nothing recorded as sent (the next online run
    // sends it), and the exit code says the alerts did not go.
    const { NetworkError } = await import("../lib/errors/mod.ts");
    const channels = await monitor.readAlertChannels(files);
    if (channels.length > 0) {
      failure = new NetworkError("Alerts not sent: offline mode (--offline, offline_mode)", {
        hint: "Run the check without --offline to send them",
      });
    }
    alerts = channels.map((c) => ({
      channel: c.id,
      kind: c.kind,
      status: "failed",
      findings: 0,
      error: "not sent: offline mode",
    }));
  } else if (options.alert && !ctx.dryRun) {
    const channels = await monitor.readAlertChannels(files);
    const { sendOptions } = await import("./monitor/_send_options.ts");
    const deliveries = await monitor.deliverAlerts(files, channels, findings, {
      ...sendOptions(ctx),
      event: "health-check",
      host: Deno.hostname(),
      now: options.time,
      vulnerabilitiesChecked: vulnerabilities.checked,
    });
    alerts = deliveries.map(({ failure: _f, ...d }) => d);
    const first = deliveries.find((d) => d.failure instanceof GestvenvError)?.failure;
    if (first instanceof GestvenvError) failure = first;
  }
  const errors = checks.filter((c) => c.severity === "error").length;
  const warnings = checks.filter((c) => c.severity === "warning").length;
  // Errors fail the check; with --alert-on-issues, warnings and vulnerabilities too; a channel
  // that could not be alerted gives its own exit code (5: the network).
  const issues = errors > 0 ||
    (options.alert && (warnings > 0 || vulnerabilities.findings.length > 0));
  const exitCode = failure?.exitCode ?? (issues ? 1 : 0);
  const record: LastCheck = {
    format: 1,
    time: options.time.toISOString(),
    exit_code: exitCode,
    healthy: errors === 0,
    errors,
    warnings,
    environments: monitor.environmentHealth(names, checks),
    checks: failed,
    vulnerabilities: audit,
    findings,
    ...(options.alert
      ? { alerts, alerts_time: options.time.toISOString() }
      : { alerts: previous?.alerts ?? [], alerts_time: previous?.alerts_time ?? null }),
  };
  if (!ctx.dryRun) await monitor.writeLastCheck(files, record);
  return {
    exitCode,
    ...(options.alert ? { vulnerabilities, alerts } : {}),
    ...(failure === undefined ? {} : { failure }),
  };
}
