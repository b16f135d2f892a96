import { buildCommand } from "npm:@stricli/core@1.3.0";
import type { CleanReport } from "../lib/cache/mod.ts";
import { UsageError } from "../lib/errors/mod.ts";
import {
  action,
  type CliContext,
  type CommandContext,
  confirm,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "./_context.ts";
import { examples, optionalText, toggle } from "./_help.ts";
import { formatBytes } from "./_output.ts";
import type { RelinkReport } from "../lib/doctor/mod.ts";

interface OptimizeFlags extends GlobalFlags {
  readonly auto?: boolean;
  readonly interactive?: boolean;
  readonly targetSize?: string;
}

/** One safe step `optimize` can take. */
interface Step {
  kind: "trim-cache" | "relink";
  /** The environment, for `relink`. */
  environment?: string;
  /** What it does, for people. */
  what: string;
  /** Bytes it frees, when known (the cache trim). */
  bytes?: number;
}

/**
 * Trims the cache to `target` bytes: unpacked wheels no environment uses first, then the least
 * recently used artifacts no environment's lock names (`cache clean --unpacked`, then
 * `--max-size`); what environments use is never removed. In a dry run, the plan of both at once.
 */
async function trimCache(ctx: CommandContext, target: number): Promise<CleanReport> {
  const { cleanCache } = await import("../lib/cache/mod.ts");
  const { environmentReferences, withCache } = await import("./cache/_cache.ts");
  const refs = await environmentReferences(ctx);
  for (const name of refs.unlocked) {
    ctx.printer.warn(
      `\`${name}\` has no readable pylock.toml: only its hard links protect its files ` +
        `(\`gestvenv lock ${name}\` writes one)`,
    );
  }
  const options = {
    referenced: refs.references,
    signal: ctx.signal,
    onWait: () =>
      ctx.printer.warn("Waiting for the package cache: another gestvenv process is using it"),
  };
  return await withCache(ctx, async (cache) => {
    if (ctx.dryRun) {
      return await cleanCache(cache, { unpacked: true, maxBytes: target }, {
        ...options,
        dryRun: true,
      });
    }
    const unpacked = await cleanCache(cache, { unpacked: true }, options);
    const lru = await cleanCache(cache, { maxBytes: target }, options);
    const entries = [...unpacked.entries, ...lru.entries];
    return {
      ...lru,
      entries,
      bytes: unpacked.bytes + lru.bytes,
      sizeBefore: unpacked.sizeBefore,
      complete: unpacked.complete && lru.complete,
      busy: [...unpacked.busy, ...lru.busy],
    };
  });
}

/** `gestvenv optimize [cache]`: applies the safe findings of `doctor --suggest`. */
export const optimizeCommand = buildCommand<OptimizeFlags, [string | undefined], CliContext>({
  docs: {
    brief: "Apply doctor --suggest's safe findings: trim the cache, relink copied files",
    fullDescription: examples([
      ["gestvenv optimize --dry-run", "what it would do"],
      ["gestvenv optimize --auto", "do it without asking"],
      ["gestvenv optimize --interactive", "ask before each step"],
      [
        "gestvenv optimize cache --target-size 2GB",
        "only trim the cache: unused unpacked wheels, then least recently used artifacts",
      ],
    ]) +
      "\nSafe steps: the cache trimmed to cache.max_size (or --target-size), never removing what an" +
      "\nenvironment's pylock.toml names; distributions installed as copies in native environments" +
      "\nreinstalled from the lock as links to the cache. Not done here, only printed: moving an" +
      "\nenvironment to another backend (`migrate-backend`), deleting unused environments.",
  },
  parameters: {
    flags: {
      ...GLOBAL_FLAGS,
      auto: toggle("Apply every safe step without asking"),
      interactive: toggle("Ask before each step (needs a terminal)"),
      targetSize: optionalText(
        "Trim the cache to SIZE (500MB, 2GB; default cache.max_size)",
        "size",
      ),
    },
    aliases: GLOBAL_ALIASES,
    positional: {
      kind: "tuple",
      parameters: [optionalText("`cache`: only trim the cache", "what")],
    },
  },
  func: action("optimize", async (ctx, flags: OptimizeFlags, what: string | undefined) => {
    const format = formatFor(ctx, ["table", "json"], "table");
    if (what !== undefined && what !== "cache") {
      throw new UsageError(`Nothing called \`${what}\` to optimize`, {
        hint:
          "`gestvenv optimize` (everything safe) or `gestvenv optimize cache --target-size SIZE`",
      });
    }
    if (flags.auto && flags.interactive) {
      throw new UsageError("--auto and --interactive exclude each other");
    }
    const { canPrompt } = await import("./_prompts.ts");
    if (flags.interactive && !canPrompt()) {
      throw new UsageError("--interactive asks questions, and there is no terminal", {
        hint: "Use --auto to apply every safe step, or --dry-run to see them",
      });
    }
    const { parseSizeFlag } = await import("./cache/_cache.ts");
    const target = flags.targetSize !== undefined
      ? parseSizeFlag(flags.targetSize, "--target-size")
      : ctx.settings.cacheMaxSize.value;
    if (what === "cache" && target === undefined) {
      throw new UsageError("Say what size to trim the cache to", {
        hint: "Pass --target-size SIZE (500MB, 2GB), or set cache.max_size",
      });
    }
    const doctor = await import("../lib/doctor/mod.ts");
    const environments = await import("../lib/environments/mod.ts");
    const env = ctx.environments();
    const records = environments.registryRecords(await environments.loadRegistry(env));
    const present: typeof records = [];
    for (const r of records) {
      if (await Deno.stat(r.path).then(() => true, () => false)) present.push(r);
    }

    // The plan: each safe step, found as `doctor --suggest` finds it.
    const steps: Step[] = [];
    if (target !== undefined) {
      const plan = await trimCache({ ...ctx, dryRun: true }, target);
      if (plan.entries.length > 0) {
        steps.push({
          kind: "trim-cache",
          what: `trim the cache from ${formatBytes(plan.sizeBefore)} to at most ${
            formatBytes(target)
          }: ${plan.entries.length} unused entr(ies), ${formatBytes(plan.bytes)}`,
          bytes: plan.bytes,
        });
      }
    }
    const printed: string[] = [];
    const leftAlone: string[] = [];
    const leftAloneFor = (name: string, report: RelinkReport) => {
      for (const m of report.modified) {
        leftAlone.push(
          `${name}: ${m.distribution} has a file that differs from its RECORD (${m.file}): ` +
            `not relinked, so the change is kept (\`gestvenv doctor ${name} --full\`)`,
        );
      }
    };
    if (what === undefined) {
      for (const r of present) {
        const plan = await doctor.relinkCopies({ ...env, dryRun: true }, r.name);
        leftAloneFor(r.name, plan);
        if (plan.skipped !== undefined) {
          printed.push(
            `${r.name}: ${plan.skippedCopies.length} copied distribution(s) stay copies ` +
              `(${plan.skipped})`,
          );
        }
        if (plan.planned.length === 0) continue;
        steps.push({
          kind: "relink",
          environment: r.name,
          what: `reinstall ${plan.planned.join(", ")} in ${r.name} as links to the cache`,
        });
      }
      const suggestions = await doctor.suggestImprovements(present, {
        cacheRoot: ctx.home.cacheDir,
        linkMode: ctx.settings.linkMode.value,
      });
      for (const s of suggestions) {
        if (s.id === "suggest.backend" || s.id === "suggest.unused") {
          printed.push(`${s.message}: \`${s.fix?.command}\``);
        }
      }
    }

    const p = ctx.printer;
    if (steps.length === 0) {
      if (format === "json") {
        p.json("optimize", {
          steps: [],
          done: [],
          not_done: printed,
          left_alone: leftAlone,
          dry_run: ctx.dryRun,
        });
        return;
      }
      for (const line of leftAlone) p.warn(line);
      p.success("Nothing to optimize");
      for (const line of printed) p.info(`Not done here: ${line}`);
      return;
    }
    if (format !== "json") {
      await p.table(["Step", "What it does"], steps.map((s) => [s.kind, s.what]));
    }
    let chosen = steps;
    if (!ctx.dryRun) {
      if (flags.interactive) {
        const { askYesNo } = await import("./_prompts.ts");
        chosen = [];
        for (const s of steps) if (await askYesNo(`${s.what}?`, true)) chosen.push(s);
      } else if (!flags.auto) {
        const yes = await confirm(ctx, `Apply these ${steps.length} step(s)?`);
        if (yes === undefined) {
          throw new UsageError("Refusing to optimize without confirmation", {
            hint: "Run it in a terminal, pass --auto (or --yes), or see the steps with --dry-run",
          });
        }
        if (!yes) chosen = [];
      }
    }
    const done: Array<Step & { result: string }> = [];
    let report: CleanReport | undefined;
    for (const s of chosen) {
      if (s.kind === "trim-cache") {
        report = await trimCache(ctx, target!);
        done.push({
          ...s,
          result: `${ctx.dryRun ? "would free" : "freed"} ${formatBytes(report.bytes)}; the cache ${
            ctx.dryRun ? "would be" : "is"
          } ${formatBytes(report.sizeAfter)}`,
        });
      } else {
        const relink = await doctor.relinkCopies(env, s.environment!);
        if (!ctx.dryRun && relink.planned.length > 0) ctx.oplog.environment(s.environment!);
        if (!ctx.dryRun) leftAloneFor(s.environment!, relink);
        const parts = ctx.dryRun ? [`would relink ${relink.planned.join(", ")}`] : [
          ...(relink.relinked.length > 0 ? [`relinked ${relink.relinked.join(", ")}`] : []),
          ...(relink.stillCopies.length > 0
            ? [`reinstalled but still copies: ${relink.stillCopies.join(", ")}`]
            : []),
        ];
        done.push({ ...s, result: parts.length > 0 ? parts.join("; ") : "nothing to relink" });
      }
    }
    if (format === "json") {
      p.json("optimize", {
        steps,
        done,
        not_done: printed,
        left_alone: [...new Set(leftAlone)],
        ...(report === undefined ? {} : {
          cache: {
            size_before: report.sizeBefore,
            size_after: report.sizeAfter,
            freed_bytes: report.bytes,
            target_bytes: target,
          },
        }),
        dry_run: ctx.dryRun,
      });
      return;
    }
    for (const d of done) p.info(`${d.kind}: ${d.result}`);
    for (const line of new Set(leftAlone)) p.warn(line);
    if (report !== undefined && target !== undefined && report.sizeAfter > target) {
      p.warn(
        `The cache stays over ${formatBytes(target)}: what is left is used by environments, or ` +
          "is not an artifact (index pages, metadata, builds)",
      );
    }
    for (const line of printed) p.info(`Not done here: ${line}`);
    if (chosen.length === 0 && !ctx.dryRun) p.info("Nothing changed");
  }, { effect: "changes" }),
});
