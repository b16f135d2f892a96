import { buildCommand } from "npm:@stricli/core@1.3.0";
import {
  action,
  type CliContext,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "../_context.ts";
import { examples, toggle } from "../_help.ts";
import { formatBytes } from "../_output.ts";
import { RESOLVE_ALIASES } from "../_resolve_flags.ts";
import { EXIT_CODE } from "../../lib/errors/mod.ts";
import { TARGET_FLAGS, type TargetFlags, targetOptions } from "./_targets.ts";

interface CacheAddFlags extends GlobalFlags, TargetFlags {
  readonly refresh?: boolean;
}

/** `gestvenv cache add REQS... [--platforms TAGS]`: fill the cache without installing. */
export const cacheAddCommand = buildCommand<CacheAddFlags, string[], CliContext>({
  docs: {
    brief: "Download what requirements need into the cache, for this or other platforms",
    fullDescription: examples([
      ["gestvenv cache add -r requirements.txt", "for this interpreter"],
      [
        "gestvenv cache add numpy pandas --platforms win_amd64,macosx_11_0_arm64,manylinux_2_28_x86_64 --python-version 3.12",
        "for three machines",
      ],
      ["gestvenv cache add flask --no-deps", "only flask's own file"],
      ["gestvenv cache add -r reqs.txt --format json", "what was added, per platform"],
    ]) +
      "\nEach platform is resolved as that machine would resolve (its markers and wheel tags), and" +
      "\nthe wheel that fits is downloaded (the sdist when none does, with its PEP 518 build" +
      "\nrequirements for that platform), verified by sha256. Nothing is installed. The index" +
      "\npages stay cached, so `--offline` works later for the same platforms; `gestvenv cache" +
      "\ncheck-offline` says whether it will. Exit 4 when a platform has no resolution (e.g. a" +
      "\nproject with no wheel and no sdist for it).",
  },
  parameters: {
    flags: {
      ...GLOBAL_FLAGS,
      ...TARGET_FLAGS,
      refresh: toggle("Fetch index pages again, unconditionally"),
    },
    aliases: { ...GLOBAL_ALIASES, ...RESOLVE_ALIASES },
    positional: {
      kind: "array",
      parameter: {
        brief: 'Requirements (PEP 508): numpy, "pandas>=2"',
        parse: String,
        placeholder: "requirement",
      },
    },
  },
  func: action("cache add", async (ctx, flags: CacheAddFlags, ...requirements: string[]) => {
    const format = formatFor(ctx, ["table", "json"], "table");
    const options = targetOptions(flags, requirements);
    const { prefetchArtifacts } = await import("../../lib/packages/mod.ts");
    const env = ctx.environments();
    const report = await prefetchArtifacts(env, {
      ...options,
      refresh: flags.refresh ?? false,
      dryRun: env.dryRun ?? false,
    });
    const failed = report.targets.filter((t) => t.failure !== null);
    const p = ctx.printer;
    if (format === "json") {
      p.json("cache add", {
        cache: report.cacheDir,
        dry_run: env.dryRun,
        added: report.added,
        added_bytes: report.addedBytes,
        present: report.present,
        platforms: report.targets.map((t) => ({
          platform: t.platform,
          python: t.python,
          resolved: t.failure === null,
          failure: t.failure,
          files: t.files,
          unverifiable: t.unverifiable,
          build_failures: t.buildFailures,
        })),
      }, failed.length > 0 ? "error" : "success");
    } else {
      const rows = report.targets.flatMap((t) =>
        t.files.map((f) => [
          t.platform,
          f.project,
          f.version,
          f.filename + (f.note === null ? "" : ` (sdist: ${f.note})`) +
          (f.buildFor === null ? "" : ` (builds ${f.buildFor})`),
          f.state === "added" ? p.out.green("added") : f.state === "planned" ? "to add" : "present",
          formatBytes(f.size),
        ])
      );
      if (rows.length > 0) {
        await p.table(["Platform", "Project", "Version", "File", "State", "Size"], rows);
      }
      await p.table(
        ["Platform", "Python", "Files", "Added", "Present", "Bytes added", "Status"],
        report.targets.map((t) => {
          const added = t.files.filter((f) => f.state !== "present");
          return [
            t.platform,
            t.python,
            t.files.length,
            added.length,
            t.files.length - added.length,
            formatBytes(added.reduce((n, f) => n + f.size, 0)),
            t.failure !== null
              ? p.out.red("no resolution")
              : t.unverifiable.length > 0 || t.buildFailures.length > 0
              ? p.out.yellow("incomplete")
              : p.out.green("ok"),
          ];
        }),
      );
      for (const t of report.targets) {
        for (const u of t.unverifiable) {
          p.warn(
            `${t.platform}: ${u.project} ${u.version} (${u.filename}) was not downloaded: the index gives no sha256 to verify it`,
          );
        }
        for (const b of t.buildFailures) {
          p.warn(
            `${t.platform}: the build requirements of ${b.sdist}${
              b.requires.length > 0 ? ` (${b.requires.join(", ")})` : ""
            } are not in the cache: ${b.message}${
              b.details ? `\n${b.details.replace(/^/gm, "  ")}` : ""
            }\n  An offline install cannot build it.`,
          );
        }
        if (t.failure !== null) {
          p.warn(
            `${t.platform}: ${t.failure.message}${
              t.failure.details ? `\n${t.failure.details.replace(/^/gm, "  ")}` : ""
            }${t.failure.hint ? `\n  hint: ${t.failure.hint}` : ""}`,
          );
        }
      }
      const summary = env.dryRun
        ? `Would add ${report.added} files; ${report.present} already in the cache (${report.cacheDir})`
        : `Added ${report.added} files (${
          formatBytes(report.addedBytes)
        }); ${report.present} already in the cache (${report.cacheDir})`;
      if (failed.length > 0) p.info(summary);
      else p.success(summary);
    }
    return failed.length > 0 ? EXIT_CODE.PACKAGE_NOT_FOUND : EXIT_CODE.OK;
  }, { effect: "changes" }),
});
