/**
 * The Prometheus text exposition format 0.0.4
 * (https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format) of gestvenv's
 * figures: `monitor export prometheus` prints it, `/metrics` serves it.
 *
 * @module
 */
import type { CacheFigures, CommandStats } from "../stats/mod.ts";
import type { LastCheck } from "./last_check.ts";

/** The `Content-Type` of the exposition. */
export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** Everything the exposition shows; {@linkcode collectMetrics} gathers it. */
export interface MetricsSnapshot {
  /** Operations by command (lib/stats `commandStats` over the whole operation log). */
  commands: readonly CommandStats[];
  /** Total duration of each command's operations, in ms (same entries). */
  durationSumsMs: ReadonlyMap<string, number>;
  /** The cache's figures (lib/stats `cacheFigures` over the same entries). */
  cache: CacheFigures;
  /** The cache's size on disk in bytes (`cache info`'s `total_bytes`), or null without a cache. */
  cacheBytes: number | null;
  /** The registered environments' names. */
  environments: readonly string[];
  /** The last health check, or undefined when none ran. */
  lastCheck: LastCheck | undefined;
}

/** Escapes a label value: backslash, double quote and line feed (format 0.0.4). */
export function escapeLabelValue(value: string): string {
  return value.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n");
}

/** Escapes a HELP text: backslash and line feed. */
function escapeHelp(text: string): string {
  return text.replaceAll("\\", "\\\\").replaceAll("\n", "\\n");
}

/** A sample value as the format writes it (`NaN`, `+Inf`, `-Inf`, else JavaScript's shortest). */
function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return String(value);
}

type Labels = Record<string, string>;

/** One metric family being written. */
class Family {
  readonly lines: string[];
  constructor(readonly name: string, type: string, help: string) {
    this.lines = [`# HELP ${name} ${escapeHelp(help)}`, `# TYPE ${name} ${type}`];
  }
  sample(value: number, labels: Labels = {}, suffix = ""): this {
    const pairs = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabelValue(v)}"`);
    this.lines.push(
      `${this.name}${suffix}${pairs.length === 0 ? "" : `{${pairs.join(",")}}`} ${
        formatValue(value)
      }`,
    );
    return this;
  }
}

const SEVERITIES = ["critical", "high", "medium", "low", "unknown"] as const;

/**
 * The exposition of `snapshot` (format 0.0.4, one family per metric, HELP and TYPE first):
 *
 * - `gestvenv_environments{health="ok|warning|error|unknown"}` (gauge): registered environments
 *   by the last health check (`unknown`: not in it, or no check ran);
 * - `gestvenv_cache_size_bytes` (gauge), `gestvenv_cache_hits_total`,
 *   `gestvenv_cache_misses_total`, `gestvenv_cache_downloaded_bytes_total`,
 *   `gestvenv_cache_saved_bytes_total` (counters) and `gestvenv_cache_hit_ratio` (gauge, absent
 *   while no artifact was asked for);
 * - `gestvenv_operations_total{command,status="success|failure"}` (counter) and
 *   `gestvenv_operation_duration_seconds{command}` (summary: quantiles 0.5 and 0.9, `_sum`,
 *   `_count`), over the whole operation log;
 * - `gestvenv_vulnerabilities{severity}` (gauge) from the last check's audit, when it ran one;
 * - `gestvenv_last_check_timestamp_seconds`, `gestvenv_last_check_healthy`,
 *   `gestvenv_last_check_exit_code`, `gestvenv_last_check_findings{severity="error|warning"}`
 *   and `gestvenv_last_check_vulnerabilities_checked` (gauges), when a check ran.
 *
 * The lines end with `\n`, the last one too.
 */
export function prometheusText(snapshot: MetricsSnapshot): string {
  const families: Family[] = [];
  const family = (name: string, type: string, help: string) => {
    const f = new Family(name, type, help);
    families.push(f);
    return f;
  };
  const last = snapshot.lastCheck;
  const health = { ok: 0, warning: 0, error: 0, unknown: 0 };
  for (const name of snapshot.environments) {
    const state = last === undefined
      ? undefined
      : Object.hasOwn(last.environments, name)
      ? last.environments[name]
      : undefined;
    health[state ?? "unknown"]++;
  }
  const envs = family(
    "gestvenv_environments",
    "gauge",
    "Registered environments by the health the last health check found",
  );
  for (const [state, n] of Object.entries(health)) envs.sample(n, { health: state });

  family("gestvenv_cache_size_bytes", "gauge", "Bytes the package cache holds on disk")
    .sample(snapshot.cacheBytes ?? 0);
  const c = snapshot.cache;
  family("gestvenv_cache_hits_total", "counter", "Artifacts installs found in the cache")
    .sample(c.hits);
  family("gestvenv_cache_misses_total", "counter", "Artifacts installs had to download")
    .sample(c.misses);
  if (c.hit_rate !== null) {
    family("gestvenv_cache_hit_ratio", "gauge", "Cache hits / (hits + misses)").sample(c.hit_rate);
  }
  family("gestvenv_cache_downloaded_bytes_total", "counter", "Bytes installs downloaded")
    .sample(c.bytes_downloaded ?? 0);
  family("gestvenv_cache_saved_bytes_total", "counter", "Bytes served from the cache")
    .sample(c.bytes_saved ?? 0);

  const ops = family(
    "gestvenv_operations_total",
    "counter",
    "Operations in the operation log by command and outcome",
  );
  const durations = family(
    "gestvenv_operation_duration_seconds",
    "summary",
    "Durations of the operations in the operation log by command",
  );
  for (const s of snapshot.commands) {
    ops.sample(s.count - s.failures, { command: s.command, status: "success" });
    ops.sample(s.failures, { command: s.command, status: "failure" });
    durations.sample(s.median_ms / 1000, { command: s.command, quantile: "0.5" });
    durations.sample(s.p90_ms / 1000, { command: s.command, quantile: "0.9" });
    durations.sample(
      (snapshot.durationSumsMs.get(s.command) ?? 0) / 1000,
      { command: s.command },
      "_sum",
    );
    durations.sample(s.count, { command: s.command }, "_count");
  }

  if (last !== undefined) {
    if (last.vulnerabilities.checked) {
      const bySeverity: Record<string, number> = Object.fromEntries(SEVERITIES.map((s) => [s, 0]));
      for (const v of last.vulnerabilities.findings) {
        const key = v.severity.toLowerCase();
        bySeverity[key in bySeverity ? key : "unknown"]!++;
      }
      const vulns = family(
        "gestvenv_vulnerabilities",
        "gauge",
        "Known vulnerabilities of the environments' distributions at the last check, by severity",
      );
      for (const s of SEVERITIES) vulns.sample(bySeverity[s]!, { severity: s });
    }
    family(
      "gestvenv_last_check_timestamp_seconds",
      "gauge",
      "When the last health check ran (Unix time)",
    ).sample(Date.parse(last.time) / 1000);
    family("gestvenv_last_check_healthy", "gauge", "1 when the last health check found no error")
      .sample(last.healthy ? 1 : 0);
    family("gestvenv_last_check_exit_code", "gauge", "The last health check's exit code")
      .sample(last.exit_code);
    family("gestvenv_last_check_findings", "gauge", "Failed checks of the last run by severity")
      .sample(last.errors, { severity: "error" })
      .sample(last.warnings, { severity: "warning" });
    family(
      "gestvenv_last_check_vulnerabilities_checked",
      "gauge",
      "1 when the last health check audited the environments",
    ).sample(last.vulnerabilities.checked ? 1 : 0);
  }
  return families.map((f) => f.lines.join("\n")).join("\n") + "\n";
}
