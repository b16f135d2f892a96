import { buildCommand } from "npm:@stricli/core@1.3.0";
import type { MigrateBackendResult, MigrationBackend } from "../lib/packages/mod.ts";
import { loadRegistry } from "../lib/environments/mod.ts";
import { EXIT_CODE, GestvenvError, UsageError } from "../lib/errors/mod.ts";
import {
  action,
  type CliContext,
  type CommandContext,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "./_context.ts";
import { completeEnvironmentNames, examples, optionalText, toggle } from "./_help.ts";

interface MigrateBackendFlags extends GlobalFlags {
  readonly to: MigrationBackend;
  readonly all?: boolean;
  readonly filter?: string;
  readonly validate?: boolean;
}

/** `key=glob` conditions of `--filter` (comma separated); every one must hold. */
type Condition = { key: "name" | "backend" | "python"; pattern: RegExp };

const FILTER_KEYS = ["name", "backend", "python"] as const;

/**
 * Parses `--filter "name=*web*"`: `name`, `backend` or `python` (version) `=` a glob (`*`, `?`),
 * several joined by commas.
 * @throws {UsageError} For anything else.
 */
export function parseEnvironmentFilter(text: string): Condition[] {
  return text.split(",").map((part) => {
    const m = /^\s*([a-z]+)\s*=\s*(.+?)\s*$/.exec(part);
    if (m === null || !(FILTER_KEYS as readonly string[]).includes(m[1]!)) {
      throw new UsageError(
        `--filter: \`${part}\` is not KEY=PATTERN with KEY name, backend or python`,
        {
          hint: 'e.g. --filter "name=*web*" or --filter "backend=pip,python=3.11*"',
        },
      );
    }
    const glob = m[2]!.replace(/[.+^${}()|[\]\\]/g, "\\$&").replaceAll("*", ".*").replaceAll(
      "?",
      ".",
    );
    return { key: m[1] as Condition["key"], pattern: new RegExp(`^${glob}$`) };
  });
}

/** The environments the command line names: ENV, `--all`, or those `--filter` matches. */
async function chosenEnvironments(
  ctx: CommandContext,
  flags: MigrateBackendFlags,
  name: string | undefined,
): Promise<string[]> {
  const given = [name !== undefined, flags.all === true, flags.filter !== undefined]
    .filter(Boolean).length;
  if (given !== 1) {
    throw new UsageError("Name one environment, or --all, or --filter (exactly one of them)", {
      hint:
        'gestvenv migrate-backend web --to uv, or --all --to uv, or --filter "name=*web*" --to uv',
    });
  }
  if (name !== undefined) return [name];
  const conditions = flags.filter === undefined ? [] : parseEnvironmentFilter(flags.filter);
  const registry = await loadRegistry(ctx.environments());
  return [...registry.environments.values()].filter((r) =>
    conditions.every((c) =>
      c.pattern.test(
        c.key === "name" ? r.name : c.key === "backend" ? r.backend : r.python.version,
      )
    )
  ).map((r) => r.name).sort();
}

/** The JSON of one result. */
function resultData(r: MigrateBackendResult) {
  return {
    name: r.name,
    from: r.from,
    to: r.to,
    lock: r.lock,
    reinstalled: r.reinstalled,
    validation: r.validation,
    unchanged: r.unchanged,
    dry_run: r.dryRun,
  };
}

const distributions = (n: number) => `${n} distribution${n === 1 ? "" : "s"}`;

function describe(r: MigrateBackendResult): string {
  if (r.dryRun) {
    if (r.from === r.to) return `Dry run: \`${r.name}\` already uses ${r.to}; nothing to do`;
    return `Dry run: would re-install ${distributions(r.reinstalled.length)} of \`${r.name}\` ` +
      `with ${r.to} (now ${r.from}) from ${
        r.lock.created ? "a lock of what is installed, written first to " : ""
      }${r.lock.path}; nothing was changed`;
  }
  if (r.unchanged) return `\`${r.name}\` already uses ${r.to}; nothing to do`;
  const check = r.validation === null
    ? ""
    : `; validated: same distributions and versions, check clean, ${r.validation.compared} compared file by file`;
  return `Migrated \`${r.name}\` from ${r.from} to ${r.to}: ${
    distributions(r.reinstalled.length)
  } re-installed from ${r.lock.path}${
    r.lock.created ? " (locked from what was installed)" : ""
  }${check}`;
}

/** `gestvenv migrate-backend ENV|--all|--filter F --to native|uv|pip [--validate]`. */
export const migrateBackendCommand = buildCommand<
  MigrateBackendFlags,
  [string | undefined],
  CliContext
>({
  docs: {
    brief: "Re-install environments from their lock with another backend (native, uv, pip)",
    fullDescription: examples([
      ["gestvenv migrate-backend web --to uv", "one environment"],
      ["gestvenv migrate-backend web --to pip --validate", "and check the result is identical"],
      ["gestvenv migrate-backend --all --to native", "every environment"],
      ['gestvenv migrate-backend --filter "name=*web*" --to uv', "those whose name matches"],
      ["gestvenv migrate-backend web --to uv --dry-run", "what would happen"],
    ]) +
      "\nThe environment's pylock.toml (made from what is installed when it has none) is installed" +
      "\nagain by the new backend, in place under the environment's lock, after a copy of the" +
      "\nenvironment is made beside it; any failure puts the copy back. --validate also requires" +
      "\nthe same distributions and versions, no new `check` problem, and equal RECORD hashes of" +
      "\nevery file of the wheels; otherwise the old state is restored. --filter takes" +
      "\nKEY=GLOB with KEY name, backend or python, several joined by commas.",
  },
  parameters: {
    flags: {
      ...GLOBAL_FLAGS,
      to: {
        kind: "enum",
        values: ["native", "uv", "pip"],
        brief: "The backend to move to",
      },
      all: toggle("Every environment"),
      filter: optionalText('Environments matching KEY=GLOB: "name=*web*", "backend=pip"', "filter"),
      validate: toggle("Check the result is identical; restore the old state when it is not"),
    },
    aliases: GLOBAL_ALIASES,
    positional: {
      kind: "tuple",
      parameters: [{
        ...optionalText("Environment to migrate", "env"),
        proposeCompletions: completeEnvironmentNames,
      }],
    },
  },
  func: action(
    "migrate-backend",
    async (ctx, flags: MigrateBackendFlags, name: string | undefined) => {
      const format = formatFor(ctx, ["table", "json"], "table");
      const names = await chosenEnvironments(ctx, flags, name);
      const { migrateBackend } = await import("../lib/packages/mod.ts");
      const env = ctx.environments();
      const results: MigrateBackendResult[] = [];
      const failures: Array<{ name: string; error: GestvenvError | Error }> = [];
      // With --all/--filter, environments adopted in place are skipped (nothing is written there).
      const skipped: Array<{ name: string; reason: string }> = [];
      for (const n of names) {
        try {
          const r = await migrateBackend(env, n, {
            to: flags.to,
            validate: flags.validate ?? false,
            dryRun: ctx.dryRun,
          });
          results.push(r);
          if (!r.unchanged) {
            ctx.oplog.packageChange({
              record: r.record,
              changes: r.reinstalled.map((d) => ({
                name: d.name,
                before: d.version,
                after: d.version,
              })),
            });
          }
          if (format !== "json") {
            if (r.dryRun || r.unchanged) ctx.printer.info(describe(r));
            else ctx.printer.success(describe(r));
          }
        } catch (error) {
          // One environment: its error is the command's. Several: the others still go.
          if (names.length === 1 || !(error instanceof Error)) throw error;
          if (error instanceof GestvenvError && error.code === "migrate_in_place") {
            skipped.push({ name: n, reason: "adopted in place: gestvenv writes nothing into it" });
            if (format !== "json") {
              ctx.printer.info(
                `Skipped \`${n}\`: adopted in place, gestvenv writes nothing into it`,
              );
            }
            continue;
          }
          failures.push({ name: n, error });
          ctx.oplog.environment(n);
          ctx.printer.error(error);
        }
      }
      if (format === "json") {
        ctx.printer.json("migrate-backend", {
          results: results.map(resultData),
          skipped,
          failures: failures.map((f) => ({
            name: f.name,
            code: f.error instanceof GestvenvError ? f.error.code : "internal",
            message: f.error.message,
          })),
        });
      } else if (names.length === 0) {
        ctx.printer.info("No environment matches; nothing to migrate");
      }
      if (failures.length > 0) {
        ctx.printer.warn(
          `${failures.length} of ${names.length} environments could not be migrated: ${
            failures.map((f) => f.name).join(", ")
          } (they are as they were)`,
        );
        return EXIT_CODE.GENERAL;
      }
      return EXIT_CODE.OK;
    },
    { effect: "changes" },
  ),
});
