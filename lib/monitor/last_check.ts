/**
 * The last health check's result, `<home>/monitor/last_check.json`: written by every
 * `health-check` run, read by `monitor status`, the Prometheus exposition and reports.
 *
 * @module
 */
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
  };
  /** Every finding of the run with its fingerprint (what alerts are about). */
  findings: AlertFinding[];
  /** What was sent to each channel (empty without `--alert-on-issues`). */
  alerts: LastCheckDelivery[];
}

/**
 * Reads `last_check.json`; undefined when no check has run yet. Requires `--allow-read`.
 *
 * @throws {ConfigError} (exit 10) when the file is damaged.
 */
export async function readLastCheck(files: MonitorFiles): Promise<LastCheck | undefined> {
  const data = await readMonitorJson(files.lastCheck);
  if (data === undefined || data.format !== 1) return undefined;
  return data as unknown as LastCheck;
}

/**
 * Writes `last_check.json` atomically under the monitoring lock. Requires `--allow-read` and
 * `--allow-write`.
 */
export async function writeLastCheck(files: MonitorFiles, check: LastCheck): Promise<void> {
  await withMonitorLock(files, () => writeMonitorJson(files.lastCheck, check));
}
