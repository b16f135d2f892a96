/**
 * `gestvenv report daily|weekly|security`: what changed, what is unhealthy, what is vulnerable
 * and how the cache grew, with the command that fixes each problem; as Markdown, HTML or JSON,
 * to stdout, a file, Slack or email. The sections are the `--format json` documents of `logs`,
 * `health-check`, `audit --all`, `stats` and `cache info`, run in-process (`runInProcess`).
 *
 * @module
 */
import { buildCommand } from "npm:@stricli/core@1.3.0";
import { ConfigError, GestvenvError, UsageError } from "../lib/errors/mod.ts";
import type { CollectedDocument, ReportDocument } from "../lib/report/mod.ts";
import { absolute } from "../lib/paths/mod.ts";
import {
  action,
  type CliContext,
  type CommandContext,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "./_context.ts";
import { examples, optionalText, toggle } from "./_help.ts";
import { captureTerminal } from "./_terminal.ts";
import { VERSION } from "./_version.ts";

type ReportKind = "daily" | "weekly" | "security";
type ReportFormat = "markdown" | "html" | "json";

interface ReportFlags extends GlobalFlags {
  readonly format?: ReportFormat;
  readonly output?: string;
  readonly email?: string;
  readonly smtpConfig?: string;
  readonly slack?: string;
  readonly daily?: boolean;
  readonly weekly?: boolean;
}

const KINDS: readonly ReportKind[] = ["daily", "weekly", "security"];

function parseKind(value: string): ReportKind {
  if ((KINDS as readonly string[]).includes(value)) return value as ReportKind;
  throw new UsageError(`No report \`${value}\``, { hint: "Use daily, weekly or security" });
}

/**
 * The period: `daily` a day, `weekly` a week, `security` a week unless `--daily` (for security,
 * only the header's dates: the vulnerabilities are those known now, whatever the period).
 */
function periodOf(kind: ReportKind, flags: ReportFlags): "day" | "week" {
  if (flags.daily && flags.weekly) {
    throw new UsageError("`--daily` and `--weekly` together", { hint: "Give one of them" });
  }
  if (kind !== "security" && (flags.daily || flags.weekly)) {
    const asked = flags.daily ? "daily" : "weekly";
    if (asked !== kind) {
      throw new UsageError(`\`report ${kind}\` covers a ${kind === "daily" ? "day" : "week"}`, {
        hint: `Run \`gestvenv report ${asked}\`, or \`report security --${asked}\``,
      });
    }
  }
  if (kind === "daily") return "day";
  if (kind === "weekly") return "week";
  return flags.daily ? "day" : "week";
}

/** A webhook URL: https, or http to a loopback address (a local relay, the tests). */
function checkSlackUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError("`--slack` needs a URL (Slack's incoming webhook)", {
      hint:
        "Create one in Slack (Apps > Incoming Webhooks) and pass it: --slack https://hooks.slack.com/services/…",
    });
  }
  const loopback = ["127.0.0.1", "[::1]", "localhost"].includes(parsed.hostname);
  if (parsed.protocol !== "https:" && !(parsed.protocol === "http:" && loopback)) {
    throw new UsageError("`--slack` needs an https:// URL (http:// only to 127.0.0.1)", {
      hint: "Slack's incoming webhooks are https://hooks.slack.com/services/…",
    });
  }
}

/** Runs one gestvenv command line in-process and keeps its envelope. */
async function collect(args: string[], globals: string[]): Promise<CollectedDocument> {
  const { runInProcess } = await import("./mod.ts");
  const terminal = captureTerminal();
  const code = await runInProcess([...args, "--format", "json", ...globals], terminal);
  let envelope: CollectedDocument["envelope"];
  try {
    const parsed = JSON.parse(terminal.out);
    if (parsed !== null && typeof parsed === "object" && Array.isArray(parsed.errors)) {
      envelope = parsed;
    }
  } catch {
    envelope = undefined;
  }
  return { args, exit_code: code, envelope, stderr: terminal.err };
}

/** Collects the documents a report needs and builds it (recording the cache's size). */
async function makeReport(
  ctx: CommandContext,
  kind: ReportKind,
  period: "day" | "week",
  offline: boolean,
): Promise<ReportDocument> {
  const report = await import("../lib/report/mod.ts");
  const { readRegistryForChecks } = await import("../lib/doctor/mod.ts");
  // The inner commands read; under --dry-run they are told so too. health-check always runs
  // as a dry run: the report's run is not "the last check" (monitor/last_check.json is the
  // scheduled check's).
  const globals = [...(offline ? ["--offline"] : []), ...(ctx.dryRun ? ["--dry-run"] : [])];
  const since = period === "day" ? "1d" : "7d";
  const until = Date.now();
  const security = kind === "security";
  const step = (text: string) => ctx.printer.verbose && ctx.printer.info(text);
  // Read as health-check reads it: a damaged registry is reported, never repaired by a report
  // (the audit reads it the way commands that repair it do, so it is not run then).
  let environments = 0;
  let auditSkipped: { reason: string; fix: string } | undefined;
  try {
    const read = await readRegistryForChecks(ctx.environments());
    environments = read.records.length;
    if (read.damaged !== undefined) {
      auditSkipped = {
        reason: "the registry is damaged (the audit would rebuild it)",
        fix: "gestvenv cleanup --orphaned",
      };
    }
  } catch (error) {
    if (!(error instanceof GestvenvError)) throw error;
    auditSkipped = { reason: error.message, fix: "gestvenv doctor" };
  }
  step("Reading the operation log");
  const logs = security ? undefined : await collect(["logs", "--since", since], globals);
  step("Running the health checks");
  const health = security ? undefined : await collect(["health-check", "--dry-run"], [
    ...(offline ? ["--offline"] : []),
  ]);
  step("Auditing every environment");
  const audit = environments === 0 || auditSkipped !== undefined
    ? undefined
    : await collect(["audit", "--all"], globals);
  // `stats` reads the registry the way commands that repair it do: not run on a damaged one
  // (the cache's downloads and hit rate are then unknown; its size still comes from cache info).
  const stats = security || auditSkipped !== undefined
    ? undefined
    : await collect(["stats", "--period", since], globals);
  // `cache info` opens (creates) the cache's index, which --dry-run must not write.
  const cacheSkipped = security || !ctx.dryRun
    ? undefined
    : "not measured under --dry-run (`cache info` opens the cache's index for writing)";
  const cacheInfo = security || cacheSkipped !== undefined
    ? undefined
    : await collect(["cache", "info"], globals);
  const samples = security ? [] : await report.readCacheSamples(ctx.home.root);
  const doc = report.buildReport({
    kind,
    period,
    until,
    home: ctx.home.root,
    version: VERSION,
    ...(logs === undefined ? {} : { logs }),
    ...(health === undefined ? {} : { health }),
    ...(audit === undefined ? {} : { audit }),
    ...(auditSkipped === undefined ? {} : { auditSkipped }),
    ...(stats === undefined ? {} : { stats }),
    ...(cacheInfo === undefined ? {} : { cacheInfo }),
    ...(cacheSkipped === undefined ? {} : { cacheSkipped }),
    cacheSamples: samples,
  });
  const bytesNow = doc.cache?.bytes_now ?? null;
  if (bytesNow !== null && !ctx.dryRun) {
    await report.recordCacheSample(ctx.home.root, { time: doc.generated_at, bytes: bytesNow }, {
      onWarning: (message) => ctx.printer.warn(message),
    })
      .catch((error) =>
        ctx.printer.warn(`The cache's size was not recorded for the next report: ${error}`)
      );
  }
  return doc;
}

/** `gestvenv report daily|weekly|security`. */
export const reportCommand = buildCommand<ReportFlags, [ReportKind], CliContext>({
  docs: {
    brief: "Report what changed, what is unhealthy or vulnerable, cache growth, and the fixes",
    fullDescription: examples([
      ["gestvenv report daily", "Markdown on stdout"],
      ["gestvenv report weekly --format html -o weekly.html", "one self-contained HTML file"],
      ["gestvenv report daily --email team@example.com --smtp-config smtp.json", "by email"],
      ["gestvenv report security --weekly --slack $SLACK_WEBHOOK", "vulnerabilities to Slack"],
      ["gestvenv report daily --format json", "the data (README: Reports)"],
    ]) +
      "\ndaily covers the last 24 hours, weekly the last 7 days; security is the vulnerabilities" +
      "\nknown now in every environment (--daily/--weekly name its cadence and the period in its" +
      "\nheader). Exit 0 when there is no problem, 1 when there is one (a" +
      "\nfailed operation, an unhealthy or vulnerable environment, a vulnerability audit that" +
      "\nhad no source), 5 when Slack or the mail server refused the report.",
  },
  parameters: {
    flags: {
      ...GLOBAL_FLAGS,
      format: {
        kind: "enum",
        values: ["markdown", "html", "json"],
        brief: "markdown (default), html (one self-contained file), json (the data)",
        optional: true,
      },
      output: optionalText("Write the report to a file (atomically) instead of stdout", "file"),
      email: optionalText(
        "Send it by email to this address (through --smtp-config, or `monitor alert email`'s server)",
        "address",
      ),
      smtpConfig: optionalText(
        "The SMTP server to send with (smtp.json, README: Alerts; default: `monitor alert email`'s)",
        "file",
      ),
      slack: optionalText("Post it to a Slack incoming webhook", "url"),
      daily: toggle("security: a daily report (its header's period: the last 24 hours)"),
      weekly: toggle("security: a weekly report (the last 7 days; the default)"),
    },
    aliases: { ...GLOBAL_ALIASES, o: "output" },
    positional: {
      kind: "tuple",
      parameters: [{
        brief: "daily, weekly or security",
        parse: parseKind,
        placeholder: "daily|weekly|security",
      }],
    },
  },
  func: action("report", async (ctx, flags: ReportFlags, kind: ReportKind) => {
    const period = periodOf(kind, flags);
    const format: ReportFormat = flags.json ? "json" : flags.format ?? "markdown";
    if (flags.slack !== undefined) checkSlackUrl(flags.slack);
    const notify = await import("../lib/notify/mod.ts");
    let smtp: import("../lib/notify/mod.ts").SmtpConfig | undefined;
    if (flags.email !== undefined) {
      if (!/^[^\s@<>,;"]+@[^\s@<>,;"]+$/.test(flags.email)) {
        throw new UsageError(`\`--email ${flags.email}\` is not a mail address`, {
          hint: "Give one address: --email team@example.com",
        });
      }
      // Without --smtp-config: the SMTP server `monitor alert email` registered (the first one).
      let config = flags.smtpConfig === undefined ? undefined : absolute(flags.smtpConfig);
      if (config === undefined) {
        const { monitorFiles, readAlertChannels } = await import("../lib/monitor/mod.ts");
        const channels = await readAlertChannels(monitorFiles(ctx.home.root));
        config = channels.find((c) => c.kind === "email")?.smtp_config;
      }
      if (config === undefined) {
        throw new UsageError("`--email` needs the SMTP server to send with", {
          hint: "Pass --smtp-config smtp.json, or register one with `gestvenv monitor alert " +
            "email --smtp-config smtp.json` (the format: README, Alerts)",
        });
      }
      smtp = { ...await notify.loadSmtpConfig(config), to: [flags.email] };
    } else if (flags.smtpConfig !== undefined) {
      throw new UsageError("`--smtp-config` without `--email`", {
        hint: "Add --email ADDRESS, or drop --smtp-config",
      });
    }
    const doc = await makeReport(ctx, kind, period, flags.offline ?? false);
    const report = await import("../lib/report/mod.ts");
    const code = doc.clean ? 0 : 1;
    const text = format === "html"
      ? report.renderHtml(doc)
      : format === "markdown"
      ? report.renderMarkdown(doc)
      : undefined;
    if (flags.output !== undefined) {
      const path = absolute(flags.output);
      const body = text ?? JSON.stringify(doc, null, 2) + "\n";
      if (ctx.dryRun) ctx.printer.info(`Would write the ${kind} report to ${path}`);
      else {
        const { atomicWriteFile } = await import("../lib/fs/mod.ts");
        try {
          await atomicWriteFile(path, body);
        } catch (error) {
          if (error instanceof GestvenvError) throw error;
          throw new ConfigError(`The report could not be written to ${path}: ${error}`, {
            hint: "Give -o a file in a folder that exists and that you can write to",
            cause: error,
          });
        }
        ctx.printer.success(
          `Wrote the ${kind} report to ${path} (${
            doc.problems.length === 0 ? "no problems" : `${doc.problems.length} problem(s)`
          })`,
        );
      }
    } else if (text !== undefined) ctx.printer.data(text.trimEnd());
    else ctx.printer.json("report", doc, doc.clean ? "success" : "error");
    const message = report.reportAlert(doc);
    const options = { maxRetries: ctx.settings.maxRetries.value, signal: ctx.signal };
    // Both channels are tried, whichever fails; then the first failure is the exit code.
    let failure: unknown;
    if (flags.slack !== undefined) {
      const where = notify.redactSecretUrl(flags.slack);
      if (ctx.dryRun) ctx.printer.info(`Would post the report to Slack (${where})`);
      else {
        try {
          await notify.sendSlack(flags.slack, message, options);
          ctx.printer.success(`Posted the report to Slack (${where})`);
        } catch (error) {
          if (smtp === undefined) throw error;
          failure = error;
          ctx.printer.warn(
            `Slack (${where}) refused the report: ${
              error instanceof Error ? error.message : error
            }; emailing it anyway`,
          );
        }
      }
    }
    if (smtp !== undefined) {
      if (ctx.dryRun) ctx.printer.info(`Would email the report to ${flags.email}`);
      else {
        try {
          await notify.sendEmail(smtp, message, options);
          ctx.printer.success(`Emailed the report to ${flags.email} through ${smtp.host}`);
        } catch (error) {
          throw failure ?? error;
        }
      }
    }
    if (failure !== undefined) throw failure;
    return code;
  }, { effect: "reads" }),
});
