import { buildCommand } from "npm:@stricli/core@1.3.0";
import { UsageError } from "../lib/errors/mod.ts";
import { atomicWriteFile } from "../lib/fs/mod.ts";
import {
  filterOperations,
  logsDirOf,
  type OperationEntry,
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
import { environmentFlag, examples, optionalText } from "./_help.ts";

interface LogsFlags extends GlobalFlags {
  readonly since?: string;
  readonly last?: number;
  readonly level?: "error" | "all";
  readonly env?: string;
}

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
  return filterOperations(entries, {
    since,
    environment: env,
    level: flags.level,
    last: flags.last,
  });
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
    },
    aliases: GLOBAL_ALIASES,
    positional: {
      kind: "array",
      parameter: {
        brief: "[show] [ENV], or export FILE",
        parse: String,
        placeholder: "args",
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
