/**
 * The last health check's result, `<home>/monitor/last_check.json`: written by every
 * `health-check` run, read by `monitor status`, the Prometheus exposition and reports. A run that
 * did not audit (a plain `health-check`) keeps the previous run's vulnerability audit and alert
 * deliveries, each with its own time (`vulnerabilities.time`, `alerts_time`).
 *
 * @module
 */
import { ConfigError } from "../errors/mod.ts";
import type { AlertFinding } from "../notify/mod.ts";
import {
  type MonitorFiles,
  readMonitorJson,
  withMonitorLock,
  writeMonitorJson,
} from "./monitor_files.ts";

/** One failed check of the last run (`doctor`'s shape, `ok` and `info` left out). */
export interface LastCheckFinding {
  /** The check's id (`env.interpreter`, `registry.missing`). */
  id: string;
  /** `error` or `warning`. */
  severity: string;
  /** What it is about: `environment NAME`, `registry`, `cache`. */
  subject: string;
  /** What was found. */
  message: string;
  /** The command that fixes it, or null. */
  fix: string | null;
}

/** One vulnerability the last run found (from `audit --all --source db --format json`). */
export interface LastCheckVulnerability {
  /** The environment. */
  environment: string;
  /** The distribution and its version. */
  package: string;
  version: string;
  /** The vulnerability id (PYSEC, GHSA, CVE). */
  id: string;
  /** `CRITICAL`, `HIGH`, `MEDIUM`, `LOW` or `UNKNOWN`. */
  severity: string;
  /** One line about it. */
  summary: string;
  /** Versions that fix it. */
  fixed_versions: string[];
}

/** What the last run sent to one channel. */
export interface LastCheckDelivery {
  /** The channel's id and kind. */
  channel: string;
  kind: string;
  /** `sent`, `nothing new` or `failed`. */
  status: "sent" | "nothing new" | "failed";
  /** Findings sent (0 unless `sent`). */
  findings: number;
  /** Why it failed (secrets removed), or null. */
  error: string | null;
}

/** `last_check.json` (format 1). */
export interface LastCheck {
  /** Always 1. */
  format: 1;
  /** When the check ran (ISO 8601). */
  time: string;
  /** The check's exit code. */
  exit_code: number;
  /** No error among the checks. */
  healthy: boolean;
  /** Counts of the checks by severity. */
  errors: number;
  warnings: number;
  /** Registered environments at the time, by worst severity of their checks. */
  environments: Record<string, "ok" | "warning" | "error">;
  /** The failed checks. */
  checks: LastCheckFinding[];
  /** The vulnerability audit of the run (only `--alert-on-issues` runs one). */
  vulnerabilities: {
    /** Whether the environments were audited. */
    checked: boolean;
    /** Where the data came from (`db`: the offline database), or null. */
    source: string | null;
    /** Why they were not audited, or null. */
    reason: string | null;
    findings: LastCheckVulnerability[];
    /**
     * When this audit ran (ISO 8601); an earlier run's time when this run did not audit and kept
     * the previous audit. Absent in files written before it was recorded (then `time`).
     */
    time?: string;
  };
  /** Every finding of the run with its fingerprint (what alerts are about). */
  findings: AlertFinding[];
  /**
   * What was sent to each channel by the last run that alerted (a run without
   * `--alert-on-issues` keeps the previous run's), empty when none did.
   */
  alerts: LastCheckDelivery[];
  /** When `alerts` were sent (ISO 8601), or null when no run alerted; absent in older files. */
  alerts_time?: string | null;
}

function isStringArray(v: unknown): boolean {
  return Array.isArray(v) && v.every((x) => typeof x === "string");
}

function isObjectArray(v: unknown): v is Record<string, unknown>[] {
  return Array.isArray(v) && v.every((x) => x !== null && typeof x === "object");
}

/** Why `data` is not a `last_check.json` of format 1 (the first field that is wrong), or null. */
function lastCheckDefect(data: Record<string, unknown>): string | null {
  if (typeof data.time !== "string") return "time";
  if (typeof data.exit_code !== "number") return "exit_code";
  if (typeof data.healthy !== "boolean") return "healthy";
  if (typeof data.errors !== "number") return "errors";
  if (typeof data.warnings !== "number") return "warnings";
  const envs = data.environments;
  if (envs === null || typeof envs !== "object" || Array.isArray(envs)) return "environments";
  if (!Object.values(envs).every((v) => typeof v === "string")) return "environments";
  if (
    !isObjectArray(data.checks) ||
    !data.checks.every((c) =>
      typeof c.id === "string" && typeof c.severity === "string" && typeof c.subject === "string" &&
      typeof c.message === "string"
    )
  ) return "checks";
  const v = data.vulnerabilities as Record<string, unknown> | null | undefined;
  if (
    v === null || typeof v !== "object" || typeof v.checked !== "boolean" ||
    !isObjectArray(v.findings) ||
    !v.findings.every((f) =>
      typeof f.severity === "string" && typeof f.package === "string" &&
      typeof f.id === "string" && typeof f.environment === "string" &&
      isStringArray(f.fixed_versions)
    )
  ) return "vulnerabilities";
  if (!isObjectArray(data.findings)) return "findings";
  if (
    !isObjectArray(data.alerts) ||
    !data.alerts.every((a) =>
      typeof a.channel === "string" && typeof a.status === "string" &&
      typeof a.findings === "number"
    )
  ) return "alerts";
  return null;
}

/**
 * Reads `last_check.json`; undefined when no check has run yet. Requires `--allow-read`.
 *
 * @throws {ConfigError} (exit 10) when the file is damaged: not JSON, or a field of format 1
 *   missing or of the wrong type (named in the message).
 */
export async function readLastCheck(files: MonitorFiles): Promise<LastCheck | undefined> {
  const data = await readMonitorJson(files.lastCheck);
  if (data === undefined || data.format !== 1) return undefined;
  const defect = lastCheckDefect(data);
  if (defect !== null) {
    throw new ConfigError(`${files.lastCheck} is damaged (field \`${defect}\`)`, {
      hint: "Remove it; the next `gestvenv health-check` writes it again",
    });
  }
  return data as unknown as LastCheck;
}

/**
 * Writes `last_check.json` atomically under the monitoring lock. Requires `--allow-read` and
 * `--allow-write`.
 */
export async function writeLastCheck(files: MonitorFiles, check: LastCheck): Promise<void> {
  await withMonitorLock(files, () => writeMonitorJson(files.lastCheck, check));
}
