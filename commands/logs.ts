import { buildCommand } from "npm:@stricli/core@1.3.0";
import { UsageError } from "../lib/errors/mod.ts";
import { atomicWriteFile } from "../lib/fs/mod.ts";
import {
  filterOperations,
  logsDirOf,
  type OperationEntry,
  operationsLogPath,
  parseOperationLine,
  parseSince,
  readOperations,
} from "../lib/oplog/mod.ts";
import { absolute } from "../lib/paths/mod.ts";
import {
  action,
  type CliContext,
  type CommandContext,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "./_context.ts";
import { redactCommandLine } from "./_command_line.ts";
import { environmentFlag, examples, optionalText, toggle } from "./_help.ts";

interface LogsFlags extends GlobalFlags {
  readonly since?: string;
  readonly last?: number;
  readonly level?: "error" | "all";
  readonly env?: string;
  readonly follow?: boolean;
}

/** How often `--follow` looks at the log, ms. */
const FOLLOW_POLL_MS = 300;

function parseLast(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    throw new UsageError(`\`--last ${value}\` is not a count`, {
      hint: "Give a whole number: --last 20",
    });
  }
  return n;
}

/** Reads the log and applies the flags; `env` is the positional or `--env`. */
export async function selectOperations(
  ctx: CommandContext,
  flags: {
    since?: string | undefined;
    last?: number | undefined;
    level?: "error" | "all" | undefined;
  },
  env: string | undefined,
): Promise<OperationEntry[]> {
  const since = flags.since === undefined ? undefined : parseSince(flags.since);
  const { entries, skipped } = await readOperations(logsDirOf(ctx.home));
  if (skipped > 0) {
    ctx.printer.warn(
      `Skipped ${skipped} unreadable line${skipped === 1 ? "" : "s"} of the operation log`,
    );
  }
  // Lines written before a secret flag was known to be one are hidden here too.
  return filterOperations(entries, {
    since,
    environment: env,
    level: flags.level,
    last: flags.last,
  }).map((e) => ({ ...e, command_line: redactCommandLine(e.command_line) }));
}

/** One entry as one text line (`--follow` without JSON). */
function entryLine(e: OperationEntry): string {
  const what = e.error !== null
    ? `${e.error.code}: ${e.error.message}`
    : e.changes.map(changeText).join(" ");
  return `${e.time} exit ${e.exit_code} ${e.duration_ms}ms [${e.environments.join(", ")}] ${
    e.command_line.replace(/^gestvenv /, "")
  }${what === "" ? "" : ` — ${what}`}`;
}

/**
 * `--follow`: prints the entries appended from now on (filtered by environment and level), one
 * a line (JSON lines with `--format json`), polling the log; a rotation starts it over. Runs
 * until interrupted.
 */
async function follow(
  ctx: CommandContext,
  json: boolean,
  env: string | undefined,
  level: "error" | "all" | undefined,
): Promise<never> {
  const path = operationsLogPath(logsDirOf(ctx.home));
  const sizeOf = () => Deno.stat(path).then((s) => s.isFile ? s.size : 0, () => 0);
  let offset = await sizeOf();
  let partial = "";
  const decoder = new TextDecoder();
  while (true) {
    await new Promise((resolve) => setTimeout(resolve, FOLLOW_POLL_MS));
    const size = await sizeOf();
    if (size < offset) {
      offset = 0; // Rotated: the new file is read from its start.
      partial = "";
    }
    if (size === offset) continue;
    const file = await Deno.open(path, { read: true }).catch(() => undefined);
    if (file === undefined) continue;
    let text: string;
    try {
      await file.seek(offset, Deno.SeekMode.Start);
      const buffer = new Uint8Array(size - offset);
      let read = 0;
      while (read < buffer.length) {
        const n = await file.read(buffer.subarray(read));
        if (n === null) break;
        read += n;
      }
      offset += read;
      text = partial + decoder.decode(buffer.subarray(0, read));
    } finally {
      file.close();
    }
    const lines = text.split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) {
      const parsed = parseOperationLine(line);
      if (parsed === undefined) continue;
      const entry = { ...parsed, command_line: redactCommandLine(parsed.command_line) };
      if (filterOperations([entry], { environment: env, level }).length === 0) continue;
      ctx.printer.data(json ? JSON.stringify(entry) : entryLine(entry));
    }
  }
}

function changeText(c: OperationEntry["changes"][number]): string {
  if (c.before === null) return `+${c.name}==${c.after}`;
  if (c.after === null) return `-${c.name}==${c.before}`;
  return `~${c.name} ${c.before}→${c.after}`;
}

/** `gestvenv logs [show|export FILE] [ENV]`: the operation log. */
export const logsCommand = buildCommand<LogsFlags, string[], CliContext>({
  docs: {
    brief: "Show or export the operation log: what changing commands did, when, and how they ended",
    fullDescription: examples([
      ["gestvenv logs", "every logged operation, oldest first"],
      ["gestvenv logs web --since 7d", "what happened to `web` this week"],
      ["gestvenv logs --last 20 --level error", "the last 20 failures"],
      ["gestvenv logs show --format json", "`show` is the same as `logs`"],
      ["gestvenv logs export ops.json --since 2026-11-01", "to a file: .json (array) or JSONL"],
      ["gestvenv logs --follow --level error", "print failures as they happen"],
    ]) +
      "\nThe log is <home>/logs/operations.jsonl (one JSON object a line, rotated at 5 MiB to operations.1-3.jsonl).",
  },
  parameters: {
    flags: {
      ...GLOBAL_FLAGS,
      since: optionalText(
        "Only operations since a date (2026-11-01) or a duration (7d, 12h)",
        "when",
      ),
      last: {
        kind: "parsed",
        parse: parseLast,
        brief: "Only the last N operations",
        placeholder: "n",
        optional: true,
      },
      level: {
        kind: "enum",
        values: ["error", "all"],
        brief: "error: only failed operations",
        optional: true,
      },
      env: environmentFlag("Only operations on this environment"),
      follow: toggle("Keep printing operations as they are logged (one a line) until Ctrl-C"),
    },
    aliases: GLOBAL_ALIASES,
    positional: {
      kind: "array",
      parameter: {
        brief: "[show] [ENV], or export FILE",
        parse: String,
        placeholder: "env|show|export",
      },
      maximum: 2,
    },
  },
  func: action("logs", async (ctx, flags: LogsFlags, ...args: string[]) => {
    const [first, second] = args;
    if (first === "export") {
      if (second === undefined) {
        throw new UsageError("`logs export` needs a file", {
          hint:
            "gestvenv logs export operations.json (JSON array) or operations.jsonl (JSON lines)",
        });
      }
      const entries = await selectOperations(ctx, flags, flags.env);
      const path = absolute(second);
      const text = /\.json$/i.test(path)
        ? JSON.stringify(entries, null, 2) + "\n"
        : entries.map((e) => JSON.stringify(e) + "\n").join("");
      if (ctx.dryRun) {
        ctx.printer.info(`Would write ${entries.length} operations to ${path}`);
        return;
      }
      await atomicWriteFile(path, text);
      ctx.printer.success(`Wrote ${entries.length} operations to ${path}`);
      return;
    }
    const rest = first === "show" ? [second] : args;
    if (rest.length > 1 && rest[1] !== undefined) {
      throw new UsageError(`Unexpected argument \`${rest[1]}\``, {
        hint: "gestvenv logs [show] [ENV] or gestvenv logs export FILE",
      });
    }
    const env = rest[0] ?? flags.env;
    const format = formatFor(ctx, ["table", "json"], "table");
    const entries = await selectOperations(ctx, flags, env);
    if (flags.follow) {
      for (const e of entries) {
        ctx.printer.data(format === "json" ? JSON.stringify(e) : entryLine(e));
      }
      await follow(ctx, format === "json", env, flags.level);
    }
    if (format === "json") {
      ctx.printer.json("logs", { operations: entries });
      return;
    }
    if (entries.length === 0) {
      ctx.printer.info("No operations logged" + (env === undefined ? "" : ` for \`${env}\``));
      return;
    }
    await ctx.printer.table(
      ["time", "command", "environments", "changes", "ms", "exit"],
      entries.map((e) => [
        e.time.replace("T", " ").replace(/\.\d+Z$/, "Z"),
        e.command_line.replace(/^gestvenv /, ""),
        e.environments.join(", "),
        e.error !== null
          ? `${e.error.code}: ${e.error.message}`
          : e.changes.map(changeText).join(" "),
        e.duration_ms,
        e.exit_code,
      ]),
    );
  }, { effect: "reads" }),
});
