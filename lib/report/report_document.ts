/**
 * The report document (`gestvenv report daily|weekly|security --format json`, README
 * "Reports"): what changed in the period, what is unhealthy, what is vulnerable, how the cache
 * grew, and one list of problems, each with the command that fixes it. It is built from the
 * `--format json` documents the commands already print (`logs`, `health-check`, `audit --all`,
 * `stats`, `cache info`): nothing is computed a second time.
 *
 * @module
 */

/** Which report. */
export type ReportKind = "daily" | "weekly" | "security";

/** The envelope every `--format json` command prints (see `Printer.json` in commands/). */
export interface CommandEnvelope {
  /** `success` or `error`. */
  status: string;
  /** The command's document (null when it failed before producing one). */
  data: unknown;
  /** The errors, each `{code, message, hint}`. */
  errors: Array<{ code?: string; message?: string; hint?: string | null }>;
}

/** The outcome of one command the report ran: its exit code and its envelope (if it printed one). */
export interface CollectedDocument {
  /** The command line (without `gestvenv`), e.g. `["health-check", "--format", "json"]`. */
  args: string[];
  /** Its exit code. */
  exit_code: number;
  /** The envelope it printed, or undefined when stdout held none (then `stderr` says why). */
  envelope: CommandEnvelope | undefined;
  /** What it printed on stderr (messages, the error). */
  stderr: string;
}

/** What kind of problem a {@linkcode ReportProblem} is. */
export type ProblemKind =
  | "failed_operation"
  | "unhealthy"
  | "vulnerable"
  | "not_audited"
  | "section_unavailable";

/** One problem of the report, with the command that fixes it. */
export interface ReportProblem {
  /** What kind of problem. */
  kind: ProblemKind;
  /** `error`/`warning` (operations, health, unavailable sections), or the vulnerability's severity. */
  severity: string;
  /** The environment concerned, or null (the home, the cache, the configuration). */
  environment: string | null;
  /** One line saying what is wrong. */
  title: string;
  /** More text (the error, the advisory's summary), or null. */
  detail: string | null;
  /** The command that fixes it (shell-quoted), or null when there is none to give. */
  fix: string | null;
}

/** One failed operation of the period. */
export interface FailedOperation {
  /** When it started (ISO 8601). */
  time: string;
  /** Its command line (secrets hidden, as logged). */
  command_line: string;
  /** The environments it touched. */
  environments: string[];
  /** Its exit code. */
  exit_code: number;
  /** Its error: `code: message`, or null. */
  error: string | null;
}

/** What happened to one environment in the period. */
export interface EnvironmentActivity {
  /** The environment. */
  environment: string;
  /** Operations that touched it. */
  operations: number;
  /** Of which failed. */
  failed: number;
  /** Distributions added (`name==version`). */
  added: string[];
  /** Distributions removed (`name==version`). */
  removed: string[];
  /** Distributions whose version changed (`name before→after`). */
  changed: string[];
  /** The commands run on it, by count (`{"install": 2}`). */
  commands: Record<string, number>;
}

/** The `changes` section: the operation log of the period (`logs --since`). */
export interface ChangesSection {
  /** Whether the log could be read; false: `error` says why. */
  available: boolean;
  /** Why it is unavailable, or null. */
  error: string | null;
  /** Operations logged in the period. */
  operations: number;
  /** Of which failed. */
  failed: number;
  /** Environments created in the period (successful `create*`, `clone`, `import`). */
  created: string[];
  /** Environments deleted in the period. */
  deleted: string[];
  /** Per environment, sorted by name. */
  by_environment: EnvironmentActivity[];
  /** Every failed operation, oldest first. */
  failures: FailedOperation[];
}

/** One finding of `health-check` that is not ok. */
export interface HealthFinding {
  /** The check's id (`env.interpreter`, `cache.size`). */
  id: string;
  /** `error` or `warning`. */
  severity: string;
  /** What it is about (`environment web`, `cache`, `registry`). */
  subject: string;
  /** The environment, when the subject is one. */
  environment: string | null;
  /** What was found. */
  message: string;
  /** The command that fixes it, or null. */
  fix: string | null;
}

/** The `health` section (`health-check --format json`). */
export interface HealthSection {
  /** Whether the checks ran; false: `error` says why. */
  available: boolean;
  /** Why they did not, or null. */
  error: string | null;
  /** Errors found. */
  errors: number;
  /** Warnings found. */
  warnings: number;
  /** The error and warning findings. */
  findings: HealthFinding[];
}

/** One vulnerable distribution of one environment. */
export interface VulnerabilityRow {
  /** The environment. */
  environment: string;
  /** The distribution's name as installed. */
  package: string;
  /** Its version. */
  version: string;
  /** The advisory id. */
  id: string;
  /** Its other ids. */
  aliases: string[];
  /** `CRITICAL`, `HIGH`, `MEDIUM`, `LOW` or `UNKNOWN`. */
  severity: string;
  /** One line about it. */
  summary: string;
  /** Versions that fix it (none: no fix published). */
  fixed_versions: string[];
  /** The command that fixes it. */
  fix: string;
}

/** The `vulnerabilities` section (`audit --all --format json`). */
export interface VulnerabilitiesSection {
  /**
   * Whether the environments were audited. False when no source answered (no OSV, no offline
   * database): then nothing is known, which is never reported as "no vulnerabilities".
   */
  available: boolean;
  /** Why not, or null. */
  error: string | null;
  /** What to do about it, or null. */
  hint: string | null;
  /** `osv` or `db`, or null when unavailable. */
  source: string | null;
  /** Why the offline database was used instead of OSV, or null. */
  fallback_reason: string | null;
  /** Environments audited. */
  environments_audited: number;
  /** Findings by severity (`{"CRITICAL": 1}`). */
  by_severity: Record<string, number>;
  /** The findings, by environment then package. */
  findings: VulnerabilityRow[];
  /** Environments that could not be audited, with why. */
  not_audited: Array<{ environment: string; error: string }>;
  /** The audit's notes (ignored findings, fallbacks). */
  notes: string[];
}

/** The `cache` section: its size now and at the period's start, and what the period downloaded. */
export interface CacheSection {
  /** Whether the cache's size could be read; false: `error` says why. */
  available: boolean;
  /** Why not, or null. */
  error: string | null;
  /** Its size now, bytes (`cache info`'s `total_bytes`). */
  bytes_now: number | null;
  /**
   * Its size at the period's start, bytes, from the size the last report before the period
   * recorded (`<home>/reports/cache_sizes.json`); null when no report measured it then.
   */
  bytes_at_start: number | null;
  /** When `bytes_at_start` was measured (ISO 8601), or null. */
  start_measured_at: string | null;
  /** `bytes_now - bytes_at_start`, or null when the start is unknown. */
  growth_bytes: number | null;
  /** Bytes downloaded into it by operations of the period (`stats`'s `cache.bytes_downloaded`). */
  downloaded_bytes: number | null;
  /** Share of artifacts served from it in the period (0–1), or null when none was asked for. */
  hit_rate: number | null;
  /** Operations of the period that recorded no cache figures (older gestvenv versions). */
  unmeasured_operations: number;
}

/** The whole report (`--format json`'s `data`; the file `-o report.json` holds). */
export interface ReportDocument {
  /** The format's version (1). */
  report_version: 1;
  /** Which report. */
  report: ReportKind;
  /** The period covered. */
  period: { name: "day" | "week"; since: string; until: string };
  /** When it was made (ISO 8601). */
  generated_at: string;
  /** gestvenv's home. */
  home: string;
  /** gestvenv's version. */
  version: string;
  /** The operation log of the period; null in a security report. */
  changes: ChangesSection | null;
  /** The health checks; null in a security report. */
  health: HealthSection | null;
  /** The audit of every environment. */
  vulnerabilities: VulnerabilitiesSection;
  /** The cache; null in a security report. */
  cache: CacheSection | null;
  /** Every problem of the sections above, errors first, each with its fix. */
  problems: ReportProblem[];
  /** True when there is no problem at all (the exit code is 0 then, else 1). */
  clean: boolean;
}
