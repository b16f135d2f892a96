/**
 * Builds the {@linkcode ReportDocument} from the documents the commands printed.
 *
 * @module
 */
import type {
  CacheSection,
  ChangesSection,
  CollectedDocument,
  EnvironmentActivity,
  HealthFinding,
  HealthSection,
  ReportDocument,
  ReportKind,
  ReportProblem,
  VulnerabilitiesSection,
  VulnerabilityRow,
} from "./report_document.ts";
import type { CacheSample } from "./cache_samples.ts";
import { shellCommand } from "./shell_quote.ts";

/** What {@linkcode buildReport} is given. */
export interface ReportInputs {
  /** Which report. */
  kind: ReportKind;
  /** The period: a day or a week ending `until`. */
  period: "day" | "week";
  /** The end of the period (now), epoch ms. */
  until: number;
  /** gestvenv's home. */
  home: string;
  /** gestvenv's version. */
  version: string;
  /** `logs --since P --format json` (not for a security report). */
  logs?: CollectedDocument;
  /** `health-check --format json` (not for a security report). */
  health?: CollectedDocument;
  /** `audit --all --format json`, or undefined when there is no environment to audit. */
  audit?: CollectedDocument;
  /**
   * Why the audit was not run although there are environments (e.g. "the registry is damaged":
   * the audit would repair it), with the command that fixes that: vulnerabilities are then
   * unknown, a problem.
   */
  auditSkipped?: { reason: string; fix: string };
  /** `stats --period P --format json` (not for a security report). */
  stats?: CollectedDocument;
  /** `cache info --format json` (not for a security report). */
  cacheInfo?: CollectedDocument;
  /**
   * Why `cache info` was deliberately not run (under `--dry-run`: it opens the cache's index for
   * writing): the cache section is then unavailable with this reason, and that is no problem.
   */
  cacheSkipped?: string;
  /** The cache sizes earlier reports recorded (see `cache_samples.ts`). */
  cacheSamples?: readonly CacheSample[];
}

/** The length of a period, ms. */
export const PERIOD_MS: Readonly<Record<"day" | "week", number>> = {
  day: 86_400_000,
  week: 7 * 86_400_000,
};

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json =>
  v !== null && typeof v === "object" && !Array.isArray(v);
const str = (v: unknown): string => typeof v === "string" ? v : "";
const num = (v: unknown): number | null => typeof v === "number" && Number.isFinite(v) ? v : null;
const arr = (v: unknown): unknown[] => Array.isArray(v) ? v : [];

/** The `data` of a command's document, or the reason there is none. */
function dataOf(
  doc: CollectedDocument | undefined,
): { data?: Json; error?: string; hint?: string } {
  if (doc === undefined) return { error: "not collected" };
  const envelope = doc.envelope;
  if (envelope !== undefined && isObject(envelope.data)) return { data: envelope.data };
  const first = envelope?.errors[0];
  const message = first?.message ??
    (doc.stderr.split("\n").find((l) => l.startsWith("error:"))?.slice(6).trim() ||
      `\`gestvenv ${doc.args.join(" ")}\` exited ${doc.exit_code}`);
  return { error: message, ...(first?.hint ? { hint: first.hint } : {}) };
}

const CREATES = new Set([
  "create",
  "create-from-pyproject",
  "create-from-requirements",
  "create-from-template",
  "clone",
  "import",
  "migrate",
]);

/** The `changes` section from `logs --format json`. */
function changesSection(doc: CollectedDocument | undefined): ChangesSection {
  const { data, error } = dataOf(doc);
  const empty: ChangesSection = {
    available: data !== undefined,
    error: error ?? null,
    operations: 0,
    failed: 0,
    created: [],
    deleted: [],
    by_environment: [],
    failures: [],
  };
  if (data === undefined) return empty;
  const activity = new Map<string, EnvironmentActivity>();
  const of = (name: string) => {
    let a = activity.get(name);
    if (a === undefined) {
      a = {
        environment: name,
        operations: 0,
        failed: 0,
        added: [],
        removed: [],
        changed: [],
        commands: Object.create(null),
      };
      activity.set(name, a);
    }
    return a;
  };
  for (const entry of arr(data.operations)) {
    if (!isObject(entry)) continue;
    const command = str(entry.command);
    const exit = num(entry.exit_code) ?? 0;
    const environments = arr(entry.environments).filter((e): e is string => typeof e === "string");
    empty.operations++;
    if (exit !== 0) {
      empty.failed++;
      const err = isObject(entry.error) ? entry.error : undefined;
      empty.failures.push({
        time: str(entry.time),
        command_line: safeCommandLine(str(entry.command_line)),
        environments,
        exit_code: exit,
        error: err === undefined ? null : printable(`${str(err.code)}: ${str(err.message)}`),
      });
    } else if (CREATES.has(command)) {
      for (const e of environments) if (!empty.created.includes(e)) empty.created.push(e);
    } else if (command === "delete") {
      for (const e of environments) if (!empty.deleted.includes(e)) empty.deleted.push(e);
    }
    for (const e of environments) {
      const a = of(e);
      a.operations++;
      if (exit !== 0) a.failed++;
      a.commands[command] = (a.commands[command] ?? 0) + 1;
    }
    for (const c of arr(entry.changes)) {
      if (!isObject(c) || typeof c.environment !== "string") continue;
      const a = of(c.environment);
      const before = typeof c.before === "string" ? c.before : null;
      const after = typeof c.after === "string" ? c.after : null;
      if (before === null && after !== null) a.added.push(`${str(c.name)}==${after}`);
      else if (after === null && before !== null) a.removed.push(`${str(c.name)}==${before}`);
      else if (before !== null && after !== null) {
        a.changed.push(`${str(c.name)} ${before}→${after}`);
      }
    }
  }
  empty.by_environment = [...activity.values()].sort((a, b) =>
    a.environment < b.environment ? -1 : a.environment > b.environment ? 1 : 0
  );
  return empty;
}

const ENVIRONMENT_SUBJECT = /^environment (.+)$/;

/** The `health` section from `health-check --format json`. */
function healthSection(doc: CollectedDocument | undefined): HealthSection {
  const { data, error } = dataOf(doc);
  if (data === undefined) {
    return { available: false, error: error ?? null, errors: 0, warnings: 0, findings: [] };
  }
  const findings: HealthFinding[] = [];
  for (const c of arr(data.checks)) {
    if (!isObject(c) || (c.severity !== "error" && c.severity !== "warning")) continue;
    const subject = str(c.subject);
    const environment = ENVIRONMENT_SUBJECT.exec(subject)?.[1] ?? null;
    const fix = isObject(c.fix)
      ? (typeof c.fix.command === "string"
        ? c.fix.command
        : typeof c.fix.auto === "string"
        ? (environment === null
          ? "gestvenv doctor --fix"
          : shellCommand(["gestvenv", "doctor", environment, "--fix"]))
        : null)
      : null;
    findings.push({
      id: str(c.id),
      severity: str(c.severity),
      subject,
      environment,
      message: str(c.message),
      fix: fix ??
        (environment === null
          ? "gestvenv doctor"
          : shellCommand(["gestvenv", "doctor", environment])),
    });
  }
  findings.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === "error" ? -1 : 1));
  return {
    available: true,
    error: null,
    errors: findings.filter((f) => f.severity === "error").length,
    warnings: findings.filter((f) => f.severity === "warning").length,
    findings,
  };
}

const SEVERITY_ORDER = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "UNKNOWN"];

/** The `vulnerabilities` section from `audit --all --format json`. */
function vulnerabilitiesSection(doc: CollectedDocument | undefined): VulnerabilitiesSection {
  const section: VulnerabilitiesSection = {
    available: true,
    error: null,
    hint: null,
    source: null,
    fallback_reason: null,
    environments_audited: 0,
    by_severity: {},
    findings: [],
    not_audited: [],
    notes: [],
  };
  if (doc === undefined) return section; // No environment: nothing to audit.
  const { data, error, hint } = dataOf(doc);
  if (data === undefined) {
    return { ...section, available: false, error: error ?? null, hint: hint ?? null };
  }
  section.source = typeof data.source === "string" ? data.source : null;
  section.fallback_reason = typeof data.fallback_reason === "string" ? data.fallback_reason : null;
  section.notes = arr(data.notes).filter((n): n is string => typeof n === "string");
  for (const target of arr(data.targets)) {
    if (!isObject(target) || target.kind !== "environment") continue;
    const environment = str(target.name);
    if (typeof target.error === "string") continue;
    section.environments_audited++;
    for (const f of arr(target.findings)) {
      if (!isObject(f)) continue;
      const fixed = arr(f.fixed_versions).filter((v): v is string => typeof v === "string");
      const row: VulnerabilityRow = {
        environment,
        package: str(f.package),
        version: str(f.version),
        id: str(f.id),
        aliases: arr(f.aliases).filter((a): a is string => typeof a === "string"),
        severity: str(f.severity) || "UNKNOWN",
        summary: str(f.summary),
        fixed_versions: fixed,
        // The smallest fixed version, as a requirement (it also loosens a pin, which
        // `audit --fix` refuses to do), else removal: no fix is published.
        fix: fixed.length > 0
          ? shellCommand([
            "gestvenv",
            "install",
            `${str(f.package)}>=${fixed[0]}`,
            "--env",
            environment,
          ])
          : shellCommand(["gestvenv", "uninstall", str(f.package), "--env", environment]),
      };
      section.findings.push(row);
      section.by_severity[row.severity] = (section.by_severity[row.severity] ?? 0) + 1;
    }
  }
  for (const n of arr(data.not_audited)) {
    if (isObject(n)) section.not_audited.push({ environment: str(n.name), error: str(n.error) });
  }
  section.findings.sort((a, b) =>
    SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) ||
    (a.environment < b.environment ? -1 : a.environment > b.environment ? 1 : 0) ||
    (a.package < b.package ? -1 : a.package > b.package ? 1 : 0)
  );
  return section;
}

/** The `cache` section from `cache info`, `stats` and the recorded sizes. */
function cacheSection(
  info: CollectedDocument | undefined,
  stats: CollectedDocument | undefined,
  samples: readonly CacheSample[],
  since: number,
  periodMs: number,
): CacheSection {
  const { data, error } = dataOf(info);
  const statsData = dataOf(stats).data;
  const figures = isObject(statsData?.cache) ? statsData.cache : undefined;
  const now = data === undefined ? null : num(data.total_bytes);
  const start = startSample(samples, since, periodMs);
  return {
    available: now !== null,
    error: now === null ? error ?? "cache info printed no size" : null,
    bytes_now: now,
    bytes_at_start: start?.bytes ?? null,
    start_measured_at: start?.time ?? null,
    growth_bytes: now !== null && start !== undefined ? now - start.bytes : null,
    downloaded_bytes: figures === undefined ? null : num(figures.bytes_downloaded),
    hit_rate: figures === undefined ? null : num(figures.hit_rate),
    unmeasured_operations: figures === undefined ? 0 : num(figures.unmeasured_operations) ?? 0,
  };
}

/**
 * The recorded size that stands for the period's start: the last one measured at or before
 * `since` plus a tenth of the period (a daily report run at about the same time each day finds
 * yesterday's), else none.
 */
export function startSample(
  samples: readonly CacheSample[],
  since: number,
  periodMs: number,
): CacheSample | undefined {
  const limit = since + periodMs / 10;
  let best: CacheSample | undefined;
  for (const s of samples) {
    const t = Date.parse(s.time);
    if (Number.isNaN(t) || t > limit) continue;
    if (best === undefined || t > Date.parse(best.time)) best = s;
  }
  return best;
}

/**
 * The fix of a failed operation: look at its error in the log (`logs --env ENV --level error`).
 * Never the logged command line itself: it is the words joined with spaces (unquoted, so pasting
 * `install 'pkg>=1; $(cmd)'` back would run `cmd` or redirect to a file `=1`), secrets in it are
 * `***`, and rerunning a usage error fixes nothing.
 */
function failureFix(environment: string | undefined, since: string): string {
  return shellCommand([
    "gestvenv",
    "logs",
    ...(environment === undefined ? [] : ["--env", environment]),
    "--level",
    "error",
    "--since",
    since,
  ]);
}

/** `text` with control characters (line breaks too) as `?`. */
function printable(text: string): string {
  // deno-lint-ignore no-control-regex
  return text.replace(/[\u0000-\u001f\u007f]/g, "?");
}

/**
 * A logged command line as a title: URLs shown as scheme and host only (a webhook's path is its
 * secret; an older log, or a flag the log does not know is secret, may hold one in full) and
 * control characters as `?`.
 */
function safeCommandLine(line: string): string {
  return printable(line).replace(
    /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#'"()<>]*)[^\s'"()<>]*/gi,
    (_all, scheme: string, host: string) => `${scheme}${host.replace(/^[^@]*@/, "")}/…`,
  );
}

/**
 * Builds the report from the collected documents: each section, then the problems (failed
 * operations, unhealthy findings, vulnerabilities, environments not audited, and every section
 * that could not be made: an audit without a source is a problem, never an all-clear), each
 * with the command that fixes it. Pure.
 */
export function buildReport(inputs: ReportInputs): ReportDocument {
  const periodMs = PERIOD_MS[inputs.period];
  const since = inputs.until - periodMs;
  const security = inputs.kind === "security";
  const changes = security ? null : changesSection(inputs.logs);
  const health = security ? null : healthSection(inputs.health);
  const vulnerabilities = inputs.auditSkipped === undefined
    ? vulnerabilitiesSection(inputs.audit)
    : {
      ...vulnerabilitiesSection(undefined),
      available: false,
      error: `not audited: ${inputs.auditSkipped.reason}`,
    };
  const cache = security
    ? null
    : cacheSection(inputs.cacheInfo, inputs.stats, inputs.cacheSamples ?? [], since, periodMs);
  const sinceFlag = inputs.period === "day" ? "1d" : "7d";
  const problems: ReportProblem[] = [];
  const unavailable = (what: string, error: string | null, fix: string) =>
    problems.push({
      kind: "section_unavailable",
      severity: "error",
      environment: null,
      title: `${what} could not be read`,
      detail: error,
      fix,
    });
  if (changes !== null && !changes.available) {
    unavailable("The operation log", changes.error, `gestvenv logs --since ${sinceFlag}`);
  }
  if (health !== null && !health.available) {
    unavailable("The health checks", health.error, "gestvenv health-check");
  }
  if (!vulnerabilities.available) {
    problems.push({
      kind: "section_unavailable",
      severity: "error",
      environment: null,
      title: "Vulnerabilities unknown: no source could be used (this is not an all-clear)",
      detail: [vulnerabilities.error, vulnerabilities.hint].filter((x) => x !== null).join(" — ") ||
        null,
      fix: inputs.auditSkipped?.fix ?? "gestvenv audit db update",
    });
  }
  if (cache !== null && inputs.cacheSkipped !== undefined) cache.error = inputs.cacheSkipped;
  else if (cache !== null && !cache.available) {
    unavailable("The cache's size", cache.error, "gestvenv cache info");
  }
  for (const f of health?.findings ?? []) {
    problems.push({
      kind: "unhealthy",
      severity: f.severity,
      environment: f.environment,
      title: `${f.subject}: ${f.id}`,
      detail: f.message,
      fix: f.fix,
    });
  }
  for (const v of vulnerabilities.findings) {
    problems.push({
      kind: "vulnerable",
      severity: v.severity,
      environment: v.environment,
      title: `${v.package} ${v.version}: ${v.id}`,
      detail: v.summary +
        (v.fixed_versions.length > 0
          ? ` (fixed in ${v.fixed_versions.join(", ")})`
          : " (no fixed version published)"),
      fix: v.fix,
    });
  }
  for (const n of vulnerabilities.not_audited) {
    problems.push({
      kind: "not_audited",
      severity: "error",
      environment: n.environment,
      title: `${n.environment} could not be audited`,
      detail: n.error,
      fix: shellCommand(["gestvenv", "doctor", n.environment]),
    });
  }
  for (const f of changes?.failures ?? []) {
    problems.push({
      kind: "failed_operation",
      severity: "error",
      environment: f.environments[0] ?? null,
      title: `Failed (exit ${f.exit_code}): ${f.command_line}`,
      detail: f.error,
      fix: failureFix(f.environments[0], sinceFlag),
    });
  }
  const rank = (p: ReportProblem) =>
    ["error", "CRITICAL", "HIGH", "warning", "MEDIUM", "LOW", "UNKNOWN"].indexOf(p.severity);
  problems.sort((a, b) => rank(a) - rank(b));
  return {
    report_version: 1,
    report: inputs.kind,
    period: {
      name: inputs.period,
      since: new Date(since).toISOString(),
      until: new Date(inputs.until).toISOString(),
    },
    generated_at: new Date(inputs.until).toISOString(),
    home: inputs.home,
    version: inputs.version,
    changes,
    health,
    vulnerabilities,
    cache,
    problems,
    clean: problems.length === 0,
  };
}
