/**
 * The context-level recorder of what a changing command did, and the one place that turns it
 * into a line of the operation log (`lib/oplog`) when the command ends.
 *
 * @module
 */
import type { InstalledFile, PackageChange } from "../lib/packages/mod.ts";
import { GestvenvError, redactUrlsIn } from "../lib/errors/mod.ts";
import type { Phase, SpanSummary } from "../lib/events/mod.ts";
import { appendOperation, logsDirOf, type OperationEntry } from "../lib/oplog/mod.ts";
import type { Printer } from "./_output.ts";
import { VERSION } from "./_version.ts";

/**
 * What a command tells the operation log: the environments it touched and the distributions it
 * changed. Commands call it where their result is known (`printChanges` does for every package
 * operation); the log line is written by `action` once the command ends.
 */
export class OperationRecorder {
  readonly #environments: string[] = [];
  readonly #changes: OperationEntry["changes"] = [];

  /** Notes that the operation touched `name`. */
  environment(name: string): void {
    if (!this.#environments.includes(name)) this.#environments.push(name);
  }

  /** Whether no environment was noted yet. */
  get empty(): boolean {
    return this.#environments.length === 0;
  }

  /** Notes a package operation's outcome: its environment, changes and installed files. */
  packageChange(change: PackageChange): void {
    const environment = change.record.name;
    this.environment(environment);
    const files = new Map((change.files ?? []).map((f) => [f.name, f]));
    const normalize = (n: string) => n.toLowerCase().replace(/[-_.]+/g, "-");
    for (const c of change.changes) {
      const file = c.after === null ? undefined : files.get(normalize(c.name));
      this.#changes.push({
        environment,
        name: c.name,
        before: c.before,
        after: c.after,
        ...(file === undefined ? {} : {
          file: file.file,
          ...(file.sha256 === null ? {} : { sha256: file.sha256 }),
          ...(file.index === null ? {} : { index: file.index }),
        }),
      });
    }
  }

  /**
   * Notes a newly created environment: every distribution it has was added, with the files the
   * install applied (`files`, from the creation's lock plan).
   */
  createdEnvironment(record: PackageChange["record"], files: InstalledFile[]): void {
    this.packageChange({
      record,
      changes: record.packages.map((p) => ({ name: p.name, before: null, after: p.version })),
      files,
    });
  }

  /**
   * The log entry of a command that ran from `started` (epoch ms) and ended now; `spans` (what
   * the command's reporter collected) adds the cache, bytes, requests and per-phase figures.
   */
  entry(
    command: string,
    commandLine: string,
    started: number,
    exitCode: number,
    error: unknown,
    spans?: SpanSummary,
  ): OperationEntry {
    return {
      time: new Date(started).toISOString(),
      command,
      command_line: commandLine,
      environments: [...this.#environments],
      changes: [...this.#changes],
      duration_ms: Math.round(Date.now() - started),
      exit_code: exitCode,
      error: error === undefined
        ? null
        : error instanceof GestvenvError
        ? { code: error.code, message: redactUrlsIn(error.message) }
        : {
          code: "internal",
          message: redactUrlsIn(error instanceof Error ? error.message : String(error)),
        },
      version: VERSION,
      ...(spans === undefined ? {} : figures(spans)),
    };
  }
}

/** The operation log's figures of a command's span summary (ms rounded to 0.1). */
function figures(spans: SpanSummary): Partial<OperationEntry> {
  const phases: Partial<Record<Phase, number>> = {};
  for (const p of spans.phases) phases[p.phase] = Math.round(p.ms * 10) / 10;
  return {
    cache: {
      hits: spans.counters.cache_hits,
      misses: spans.counters.cache_misses,
      bytes_saved: spans.counters.bytes_saved,
    },
    bytes_downloaded: spans.counters.bytes_downloaded,
    index_requests: spans.counters.index_requests,
    phases_ms: phases,
  };
}

/**
 * Appends the entry to `<home>/logs/operations.jsonl`. Never throws: a log that cannot be
 * written is a warning shown only with `--verbose`.
 */
export async function logOperation(
  home: { root: string },
  entry: OperationEntry,
  printer: Printer,
): Promise<void> {
  try {
    await appendOperation(logsDirOf(home), entry);
  } catch (error) {
    if (printer.verbose) {
      printer.warn(
        `Could not write the operation log: ${error instanceof Error ? error.message : error}`,
      );
    }
  }
}
