/**
 * How `cache clean` and `cache remove` show what they removed (or would): artifacts one per row,
 * the other kinds counted (every path with `--verbose`), and a JSON form with every path and its
 * bytes.
 *
 * @module
 */
import type { CleanEntry, CleanReport } from "../../lib/cache/mod.ts";
import type { CommandContext } from "../_context.ts";
import { formatBytes } from "../_output.ts";

const KIND_WORDS: Record<CleanEntry["kind"], string> = {
  "artifact": "artifact(s)",
  "manifest": "unpacked wheel(s)",
  "stored-file": "stored file(s)",
  "index-page": "cached index page(s)",
  "metadata": "cached metadata entr(ies)",
  "build": "build(s)",
};

/** The JSON form of a report. */
export function cleanReportJson(report: CleanReport): Record<string, unknown> {
  return {
    dry_run: report.dryRun,
    removed_bytes: report.bytes,
    removed_files: report.entries.length,
    size_before: report.sizeBefore,
    size_after: report.sizeAfter,
    kept_for_environments: { artifacts: report.kept.artifacts, bytes: report.kept.bytes },
    busy: report.busy,
    complete: report.complete,
    entries: report.entries.map((e) => ({
      kind: e.kind,
      path: e.path,
      bytes: e.bytes,
      reason: e.reason,
      sha256: e.sha256,
      project: e.project,
      version: e.version,
      filename: e.filename,
    })),
  };
}

/** Prints a report as a table of artifacts and a summary. */
export async function printCleanReport(ctx: CommandContext, report: CleanReport): Promise<void> {
  const p = ctx.printer;
  const artifacts = report.entries.filter((e) => e.kind === "artifact");
  if (artifacts.length > 0) {
    await p.table(
      ["Project", "Version", "File", "Size", "Why"],
      artifacts.map((e) => [
        e.project ?? "",
        e.version ?? "",
        e.filename ?? "",
        formatBytes(e.bytes),
        e.reason,
      ]),
    );
  }
  if (p.verbose) {
    for (const e of report.entries.filter((e) => e.kind !== "artifact")) {
      p.info(`  ${e.kind} ${e.path} (${formatBytes(e.bytes)})`);
    }
  }
  const counts = new Map<CleanEntry["kind"], { n: number; bytes: number }>();
  for (const e of report.entries) {
    const c = counts.get(e.kind) ?? { n: 0, bytes: 0 };
    c.n++;
    c.bytes += e.bytes;
    counts.set(e.kind, c);
  }
  const parts = [...counts].map(([kind, c]) =>
    `${c.n} ${KIND_WORDS[kind]} (${formatBytes(c.bytes)})`
  );
  const verb = report.dryRun ? "Would remove" : "Removed";
  if (report.entries.length === 0) {
    p.success(report.dryRun ? "Nothing would be removed" : "Nothing to remove");
  } else {
    p.success(`${verb} ${parts.join(", ")}: ${formatBytes(report.bytes)} in all`);
  }
  p.info(
    `Cache size: ${formatBytes(report.sizeBefore)} → ${formatBytes(report.sizeAfter)}` +
      (report.dryRun ? " (projected)" : ""),
  );
  if (report.kept.artifacts > 0) {
    p.info(
      `Kept ${report.kept.artifacts} artifact(s) (${formatBytes(report.kept.bytes)}) that ` +
        "environments use (`--all` removes them too)",
    );
  }
  for (const path of report.busy) p.warn(`Left ${path}: a build is using it`);
  if (!report.complete) p.warn("Stopped before the end (time budget); run it again to finish");
}
