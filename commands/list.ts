import { buildCommand } from "npm:@stricli/core@1.3.0";
import {
  type EnvironmentRecord,
  findOrphans,
  loadRegistry,
  type Orphan,
  registryRecords,
} from "../lib/environments/mod.ts";
import {
  action,
  type CliContext,
  type CommandContext,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "./_context.ts";
import { formatBytes, timeAgo } from "./_output.ts";
import { examples, toggle } from "./_help.ts";

interface ListFlags extends GlobalFlags {
  readonly detailed?: boolean;
}

/** One warning line about an orphan, with the command that fixes it. */
export function describeOrphan(o: Orphan): string {
  if (o.busy !== false) {
    const who = o.busy === null ? "another process" : `\`${o.busy.command}\` (pid ${o.busy.pid})`;
    return `${o.path} is being changed by ${who}`;
  }
  const run = (what: string) => o.fix === null ? "" : `; \`${o.fix}\` ${what}`;
  switch (o.kind) {
    case "missing":
      return `\`${o.name}\` is registered but ${o.path} no longer exists${run("drops the entry")}`;
    case "unregistered":
      return `${o.path} is an environment the registry does not know${run("adopts it")}`;
    case "broken":
      return `${o.registered ? `\`${o.name}\`` : o.path} is broken: ${o.reason}` +
        (o.fix === null ? "" : `; fix: \`${o.fix}\``);
    case "leftover":
      return `${o.path} is ${o.reason}${run("removes it")}`;
    case "interrupted":
      return `${o.reason}${run(`(or the next command on \`${o.name}\`) finishes or undoes it`)}`;
    case "invalid":
      return `The registry entry \`${o.name}\` is invalid: ${o.reason}${run("drops it")}`;
  }
}

/** What `list --detailed` adds to each environment (JSON field names). */
export interface EnvironmentDetail {
  /** Bytes on disk (each inode once), null when the directory is missing. */
  size_bytes: number | null;
  /** False when the size walk stopped at its bound (then `size_bytes` is a lower bound). */
  size_complete: boolean;
  /**
   * The worst severity of doctor's fast checks (`pyvenv.cfg`, the interpreter):
   * `ok`, `info`, `warning` or `error`; `missing` when the directory is gone.
   */
  health: "ok" | "info" | "warning" | "error" | "missing";
  /** The findings that are not `ok` (doctor's shape: id, severity, message, fix). */
  health_findings: Array<{ id: string; severity: string; message: string }>;
}

/**
 * Size (lib/stats' bounded walk) and health (lib/doctor's fast checks, as `health-check` runs them)
 * of each record, in order. Only `--detailed` pays for it: plain `list` stays a registry read.
 */
async function environmentDetails(
  env: ReturnType<CommandContext["environments"]>,
  records: readonly EnvironmentRecord[],
): Promise<EnvironmentDetail[]> {
  const [{ environmentSizes }, { diagnoseEnvironment }] = await Promise.all([
    import("../lib/stats/mod.ts"),
    import("../lib/doctor/mod.ts"),
  ]);
  const sizes = await environmentSizes(records, { maxMs: 5_000 });
  const rank = { ok: 0, info: 1, warning: 2, error: 3 } as const;
  return await Promise.all(records.map(async (r, i): Promise<EnvironmentDetail> => {
    const size = sizes[i]!;
    if (!size.exists) {
      return { size_bytes: null, size_complete: false, health: "missing", health_findings: [] };
    }
    const checks = await diagnoseEnvironment(env, r, { basic: true });
    const worst = checks.reduce(
      (w, c) => rank[c.severity] > rank[w] ? c.severity : w,
      "ok" as const as keyof typeof rank,
    );
    return {
      size_bytes: size.bytes,
      size_complete: size.complete,
      health: worst,
      health_findings: checks.filter((c) => c.severity !== "ok").map((c) => ({
        id: c.id,
        severity: c.severity,
        message: c.message,
        ...(c.fix === undefined ? {} : { fix: c.fix }),
      })),
    };
  }));
}

/** `gestvenv list`: every registered environment, plus what is out of sync with the disk. */
export const listCommand = buildCommand<ListFlags, [], CliContext>({
  docs: {
    brief: "List environments (and those the registry and the disk disagree about)",
    fullDescription: examples([
      ["gestvenv list", "a table"],
      ["gestvenv list --detailed", "with sizes, health, paths and descriptions"],
      ["gestvenv list --format json", "for scripts"],
    ]),
  },
  parameters: {
    flags: {
      ...GLOBAL_FLAGS,
      detailed: toggle(
        "Also size on disk, health (doctor's fast checks), creation time, path and description",
      ),
    },
    aliases: GLOBAL_ALIASES,
  },
  func: action("list", async (ctx, flags: ListFlags) => {
    const format = formatFor(ctx, ["table", "json"], "table");
    const env = ctx.environments();
    const records = registryRecords(await loadRegistry(env));
    const orphans = await findOrphans(env);
    const details = flags.detailed ? await environmentDetails(env, records) : undefined;
    if (format === "json") {
      ctx.printer.json("list", {
        environments: details === undefined
          ? records
          : records.map((r, i) => ({ ...r, ...details[i]! })),
        orphans,
      });
      return;
    }
    const missing = new Set(orphans.filter((o) => o.kind === "missing").map((o) => o.name));
    if (records.length === 0) {
      ctx.printer.info("No environments yet. Create one with `gestvenv create NAME`.");
    } else {
      const head = ["Name", "Python", "Backend", "Packages", "Last used"];
      if (details !== undefined) head.push("Size", "Health", "Created", "Path", "Description");
      await ctx.printer.table(
        head,
        records.map((r, i) => {
          const row: string[] = [
            missing.has(r.name) ? `${r.name} (missing)` : r.name,
            r.python.version,
            r.backend,
            String(r.packages.length),
            timeAgo(r.last_used_at),
          ];
          const detail = details?.[i];
          if (detail !== undefined) {
            row.push(
              detail.size_bytes === null
                ? "?"
                : `${detail.size_complete ? "" : ">"}${formatBytes(detail.size_bytes)}`,
              detail.health,
              r.created_at.slice(0, 19).replace("T", " "),
              r.path,
              r.description ?? "",
            );
          }
          return row;
        }),
      );
    }
    for (const o of orphans) ctx.printer.warn(describeOrphan(o));
  }, { effect: "reads" }),
});
