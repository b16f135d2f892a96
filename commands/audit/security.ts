/**
 * `gestvenv audit [security]`: the known vulnerabilities of an environment's distributions, a
 * requirements file or a lock, from OSV or the offline database; `--fix` upgrades to the smallest
 * fixed versions. Also built as `security scan|report|update` (spec 001's spellings).
 *
 * @module
 */
import { buildCommand, type Command } from "npm:@stricli/core@1.3.0";
import { openEnvironment } from "../../lib/environments/mod.ts";
import { OperationError, UsageError } from "../../lib/errors/mod.ts";
import { normalizeName } from "../../lib/names/mod.ts";
import {
  action,
  type CliContext,
  type CommandContext,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "../_context.ts";
import {
  completeEnvironmentNames,
  environmentFlag,
  examples,
  optionalText,
  repeatable,
  toggle,
} from "../_help.ts";
import { VERSION } from "../_version.ts";
import { type AuditInput, auditInputs } from "./_inputs.ts";
import { clean, markdownReport, tableHead, tableRows } from "./_render.ts";
import type { FixOutcome } from "./_fix.ts";

type Threshold = "LOW" | "MEDIUM" | "HIGH" | "CRITICAL";

/** The flags of `audit security` (and its `security` spellings). */
export interface SecurityFlags extends GlobalFlags {
  readonly env?: string;
  readonly all?: boolean;
  readonly requirement?: string;
  readonly lock?: string;
  readonly severity?: Threshold;
  readonly ignore?: string[];
  readonly source?: "osv" | "db";
  readonly fix?: boolean;
  readonly autoFix?: boolean;
}

/** How a spelling of the command differs: its name, help and whether it fixes by default. */
interface Variant {
  /** The command as typed (`audit security`, `security scan`). */
  name: string;
  /** One line of help. */
  brief: string;
  /** Examples. */
  examples: Array<[string, string]>;
  /** `security update`: plans fixes; `--auto-fix` applies them. */
  update?: boolean;
}

const SEVERITIES = ["LOW", "MEDIUM", "HIGH", "CRITICAL"] as const;

/** The finding rows of one input, with the input's name. */
interface Section {
  input: AuditInput;
  findings: import("../../lib/audit/mod.ts").AuditFinding[];
  ignored: number;
  below: number;
}

function sourceLine(report: import("../../lib/audit/mod.ts").AuditReport): string {
  if (report.source === "osv") return `OSV (${report.osv_url})`;
  const db = report.database!;
  return `the offline database (imported ${db.imported_at.slice(0, 10)} from ${db.source}, ` +
    `${db.age_days} day(s) old)` +
    (report.fallback_reason === undefined ? "" : `, because ${report.fallback_reason}`);
}

async function runAudit(
  ctx: CommandContext,
  variant: Variant,
  flags: SecurityFlags,
  args: string[],
): Promise<number> {
  const format = formatFor(ctx, ["table", "json", "markdown", "cyclonedx-json"], "table");
  const fix = variant.update ? true : flags.fix ?? false;
  const apply = variant.update ? (flags.autoFix ?? false) : true;
  if (flags.autoFix && !variant.update) {
    throw new UsageError("`--auto-fix` belongs to `gestvenv security update`", {
      hint: "Use `--fix` with `gestvenv audit`",
    });
  }
  if (fix && (flags.requirement !== undefined || flags.lock !== undefined)) {
    throw new UsageError("`--fix` upgrades an environment, not a file", {
      hint: "Name an environment (`gestvenv audit ENV --fix`), or fix the file by hand",
    });
  }
  const env = ctx.environments();
  const inputs = await auditInputs(env, flags, args);
  if (format === "cyclonedx-json" && fix) {
    throw new UsageError(
      "`--format cyclonedx-json` describes findings, not the upgrades of --fix",
      {
        hint: "Run `--fix` first, then `gestvenv audit ENV --format cyclonedx-json`",
      },
    );
  }
  if (format === "cyclonedx-json" && (inputs.length !== 1 || inputs[0]!.record === undefined)) {
    throw new UsageError("`--format cyclonedx-json` describes one environment and its findings", {
      hint: "Name one environment (`gestvenv audit ENV --format cyclonedx-json`); for " +
        "requirements files, locks and --all use `--format json`",
    });
  }
  const { auditDistributions, auditHttpClient } = await import("../../lib/audit/mod.ts");
  const http = auditHttpClient(env);
  env.reporter.step(`Auditing ${inputs.map((i) => i.name).join(", ") || "nothing"}`);
  let report;
  try {
    report = await auditDistributions(inputs.flatMap((i) => i.dists), {
      source: flags.source,
      http,
      cacheDir: ctx.home.cacheDir,
      osvUrl: ctx.settings.auditOsvUrl.value,
    });
  } finally {
    env.reporter.done();
  }
  const threshold: Threshold = flags.severity ?? "LOW";
  const ignore = new Set((flags.ignore ?? []).map((i) => i.toUpperCase()));
  const { atLeast } = await import("../../lib/audit/mod.ts");
  const sectionOf = (
    input: AuditInput,
    findings: import("../../lib/audit/mod.ts").AuditFinding[],
  ): Section => {
    const keys = new Set(input.dists.map((d) => `${normalizeName(d.name)}==${d.version}`));
    const mine = findings.filter((f) => keys.has(`${normalizeName(f.package)}==${f.version}`));
    const kept = mine.filter((f) =>
      ![f.id, ...f.aliases].some((id) => ignore.has(id.toUpperCase()))
    );
    const shown = kept.filter((f) => atLeast(f.severity, threshold));
    return {
      input,
      findings: shown,
      ignored: mine.length - kept.length,
      below: kept.length - shown.length,
    };
  };
  const sections: Section[] = inputs.map((input) => sectionOf(input, report.findings));
  const notAudited = inputs.filter((i) => i.error !== undefined);
  const notes = [...inputs.flatMap((i) => i.notes), ...report.notes];
  for (const s of sections) {
    if (s.ignored > 0) notes.push(`${s.ignored} finding(s) in ${s.input.name} ignored (--ignore)`);
    if (s.below > 0) {
      notes.push(`${s.below} finding(s) in ${s.input.name} below ${threshold} not shown`);
    }
  }
  const fixes: FixOutcome[] = [];
  if (fix) {
    const { fixEnvironment } = await import("./_fix.ts");
    // `security update` without --auto-fix only plans.
    const applyNow = apply && !ctx.dryRun;
    for (const s of sections) {
      if (s.findings.length === 0 || s.input.record === undefined) continue;
      fixes.push(
        await fixEnvironment(
          ctx,
          s.input.name,
          s.input.record.requirements,
          s.findings,
          applyNow,
          report.records,
        ),
      );
    }
  }
  const total = sections.reduce((n, s) => n + s.findings.length, 0);
  // After applying, the environments are audited again: the exit code and the "fixed" wording
  // come from what is installed now, not from the plan.
  const after = new Map<string, Section>();
  const applied = fixes.filter((f) => f.applied);
  if (applied.length > 0) {
    const { environmentInput } = await import("./_inputs.ts");
    const again = await Promise.all(applied.map((f) => environmentInput(env, f.environment)));
    const reaudit = await auditDistributions(again.flatMap((i) => i.dists), {
      source: flags.source,
      http,
      cacheDir: ctx.home.cacheDir,
      osvUrl: ctx.settings.auditOsvUrl.value,
    });
    for (const input of again) after.set(input.name, sectionOf(input, reaudit.findings));
  }
  for (const f of applied) {
    const still = new Set(
      (after.get(f.environment)?.findings ?? []).map((x) => `${normalizeName(x.package)} ${x.id}`),
    );
    f.still_affected = f.plan.flatMap((p) =>
      p.fixes.filter((id) => still.has(`${normalizeName(p.name)} ${id}`))
    );
  }
  const remaining = sections.reduce(
    (n, s) => n + (after.get(s.input.name) ?? s).findings.length,
    0,
  );
  const code = remaining > 0 || notAudited.length > 0 ? 1 : 0;
  if (format === "json") {
    ctx.printer.json("audit", {
      source: report.source,
      ...(report.osv_url === undefined ? {} : { osv_url: report.osv_url }),
      ...(report.database === undefined ? {} : { database: report.database }),
      ...(report.fallback_reason === undefined ? {} : { fallback_reason: report.fallback_reason }),
      severity_threshold: threshold,
      targets: sections.map((s) => ({
        kind: s.input.kind,
        name: s.input.name,
        audited: s.input.dists.length,
        ignored: s.ignored,
        below_threshold: s.below,
        findings: s.findings,
        ...(after.has(s.input.name)
          ? { findings_after_fix: after.get(s.input.name)!.findings }
          : {}),
        ...(s.input.error === undefined ? {} : { error: s.input.error }),
      })),
      not_audited: notAudited.map((i) => ({ kind: i.kind, name: i.name, error: i.error! })),
      ...(fix ? { fixes } : {}),
      notes,
    }, code === 0 ? "success" : "error");
    return code;
  }
  if (format === "cyclonedx-json") {
    // The environment's SBOM (`gestvenv sbom`) with the findings as CycloneDX vulnerabilities.
    const { collectSbomInput, cycloneDxDocument } = await import("../../lib/sbom/mod.ts");
    const record = inputs[0]!.record!;
    const { target } = await openEnvironment(env, record);
    const { subject, components } = await collectSbomInput(target, record);
    const bom = cycloneDxDocument(subject, components, sections[0]!.findings, {
      tool: { name: "gestvenv", version: VERSION },
    });
    ctx.printer.data(JSON.stringify(bom, null, 2));
    for (const note of notes) ctx.printer.warn(clean(note, 400));
    printFixes(ctx, fixes);
    return code;
  }
  if (format === "markdown") {
    ctx.printer.data(
      markdownReport(
        sections.map((s) => ({ title: `${s.input.kind} ${s.input.name}`, findings: s.findings })),
        sourceLine(report),
        notes,
      ),
    );
    printFixes(ctx, fixes);
    return code;
  }
  const withTarget = sections.length > 1;
  const rows = sections.flatMap((s) => s.findings.map((f) => ({ ...f, target: s.input.name })));
  ctx.printer.info(`Vulnerability data: ${sourceLine(report)}`);
  if (rows.length > 0) await ctx.printer.table(tableHead(withTarget), tableRows(rows, withTarget));
  for (const note of notes) ctx.printer.warn(clean(note, 400));
  const audited = sections.reduce((n, s) => n + s.input.dists.length, 0);
  const where = inputs.length === 1
    ? `${inputs[0]!.kind} ${inputs[0]!.name}`
    : `${inputs.length} environments`;
  if (notAudited.length > 0) {
    printFixes(ctx, fixes);
    ctx.printer.error(
      new OperationError(
        `${notAudited.length} target(s) could not be audited: ` +
          notAudited.map((i) => `${i.name} (${clean(i.error!, 300)})`).join("; ") +
          ` (${total} finding(s) at or above ${threshold} in the ${audited} distribution(s) ` +
          "that were audited)",
        "audit_incomplete",
        { hint: "Check them with `gestvenv doctor ENV` (`gestvenv repair ENV` fixes them)" },
      ),
    );
    return code;
  }
  if (total === 0) {
    ctx.printer.success(
      `No known vulnerabilities at or above ${threshold} in ${audited} distribution(s) of ${where}`,
    );
  } else {
    ctx.printer.info(
      `${total} known vulnerabilit${total === 1 ? "y" : "ies"} at or above ${threshold} in ` +
        `${audited} distribution(s) of ${where}` + (fix ? "" : "; `--fix` upgrades what it can"),
    );
  }
  printFixes(ctx, fixes);
  if (after.size > 0) {
    if (remaining === 0) ctx.printer.success("Audited again after --fix: no known vulnerabilities");
    else {
      ctx.printer.warn(
        `Audited again after --fix: ${remaining} known vulnerabilit${
          remaining === 1 ? "y" : "ies"
        } at or above ${threshold} remain`,
      );
    }
  }
  return code;
}

function printFixes(ctx: CommandContext, fixes: readonly FixOutcome[]): void {
  const p = ctx.printer;
  for (const f of fixes) {
    for (const t of f.plan) {
      const still = t.fixes.filter((id) => f.still_affected?.includes(id));
      const done = t.fixes.filter((id) => !still.includes(id));
      const ids = (list: string[]) => list.map((id) => clean(id, 40)).join(", ");
      if (still.length === 0) {
        p.info(
          `${f.applied ? "fixed" : "would fix"} in \`${f.environment}\`: ${t.name} ${t.from} → ` +
            `${t.to} (${ids(t.fixes)})`,
        );
      } else {
        p.warn(
          `upgraded in \`${f.environment}\`: ${t.name} ${t.from} → ${t.to}, but the audit after ` +
            `it still finds ${ids(still)}` + (done.length === 0 ? "" : ` (fixed: ${ids(done)})`),
        );
      }
    }
    for (const c of f.changes) {
      const line = c.before === null
        ? `+ ${c.name}==${c.after}`
        : c.after === null
        ? `- ${c.name}==${c.before}`
        : `~ ${c.name} ${c.before} → ${c.after}`;
      p.info(`  ${line}${f.applied ? "" : " (would change)"}`);
    }
    for (const u of f.unfixable) {
      p.warn(
        `cannot fix ${u.name} ${u.version} in \`${f.environment}\` ` +
          `(${u.ids.map((id) => clean(id, 40)).join(", ")}): ${clean(u.reason, 400)}`,
      );
    }
    if (!f.applied && f.plan.length > 0) {
      p.info(`Dry run: nothing was changed in \`${f.environment}\``);
    }
  }
}

/** Builds one spelling of the vulnerability audit command. */
export function buildSecurityCommand(variant: Variant): Command<CliContext> {
  return buildCommand<SecurityFlags, [string | undefined], CliContext>({
    docs: { brief: variant.brief, fullDescription: examples(variant.examples) },
    parameters: {
      flags: {
        ...GLOBAL_FLAGS,
        env: environmentFlag("Environment to audit (default: the active one)"),
        all: toggle("Audit every environment"),
        requirement: optionalText(
          "Audit a requirements file (pins as they are; unpinned lines resolved first)",
          "file",
        ),
        lock: optionalText("Audit a PEP 751 lock (pylock.toml)", "file"),
        severity: {
          kind: "enum",
          values: SEVERITIES,
          brief: "Only findings at or above this severity count (UNKNOWN always counts)",
          optional: true,
        },
        ignore: repeatable("Ignore a vulnerability by id or alias (repeatable)", "id"),
        source: {
          kind: "enum",
          values: ["osv", "db"],
          brief: "osv (the OSV API) or db (the offline database); default: OSV, the database " +
            "offline or when OSV is unreachable",
          optional: true,
        },
        fix: variant.update
          ? { ...toggle("Plan the upgrades (the default of `security update`)"), hidden: true }
          : toggle("Upgrade to the smallest fixed versions that resolve (with --dry-run: plan)"),
        autoFix: variant.update
          ? toggle("Apply the upgrades (without it, `security update` only plans them)")
          : { ...toggle("Same as --fix (for `security update`)"), hidden: true },
      },
      aliases: { ...GLOBAL_ALIASES, r: "requirement", a: "all" },
      positional: {
        kind: "tuple",
        parameters: [{
          brief: "Environment to audit (default: --env, else the active one)",
          parse: String,
          placeholder: "env",
          optional: true,
          proposeCompletions: completeEnvironmentNames,
        }],
      },
    },
    func: action(variant.name, async (ctx, flags: SecurityFlags, env: string | undefined) => {
      return await runAudit(ctx, variant, flags, env === undefined ? [] : [env]);
    }, {
      effect: (flags: SecurityFlags) =>
        (variant.update ? flags.autoFix : flags.fix) ? "changes" : "reads",
    }),
  });
}

/** `gestvenv audit security` (also `gestvenv audit`, `gestvenv audit ENV`). */
export const auditSecurityCommand = buildSecurityCommand({
  name: "audit security",
  brief: "Audit known vulnerabilities (OSV, or the offline database) of an environment, a " +
    "requirements file or a lock",
  examples: [
    ["gestvenv audit", "the active environment (same as `audit security`)"],
    ["gestvenv audit web --severity HIGH", "only HIGH and CRITICAL count"],
    ["gestvenv audit --all --format markdown", "every environment, as Markdown"],
    ["gestvenv audit -r requirements.txt", "a requirements file"],
    ["gestvenv audit --lock pylock.toml --format json", "a lock, for scripts"],
    ["gestvenv audit web --fix --dry-run", "the upgrades that would fix them"],
    ["gestvenv audit --offline", "from the offline database (`audit db update`)"],
    [
      "gestvenv audit --env db",
      "an environment named like a route word (`db`, `security`, `installations`)",
    ],
  ],
});

/** `gestvenv security scan [--env ENV]`. */
export const securityScanCommand = buildSecurityCommand({
  name: "security scan",
  brief: "Scan an environment for known vulnerabilities (same as `gestvenv audit security`)",
  examples: [["gestvenv security scan --env web", "the environment `web`"]],
});

/** `gestvenv security report [--format json]`. */
export const securityReportCommand = buildSecurityCommand({
  name: "security report",
  brief: "Report known vulnerabilities (same as `gestvenv audit security`)",
  examples: [["gestvenv security report --env web --format json", "for scripts"]],
});

/** `gestvenv security update [--auto-fix]`. */
export const securityUpdateCommand = buildSecurityCommand({
  name: "security update",
  brief: "Plan the upgrades that fix known vulnerabilities; --auto-fix applies them",
  examples: [
    ["gestvenv security update --env web", "what would be upgraded"],
    ["gestvenv security update --env web --auto-fix", "upgrade (same as `audit --fix`)"],
  ],
  update: true,
});
