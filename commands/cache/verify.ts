import { buildCommand } from "npm:@stricli/core@1.3.0";
import { verifyCache } from "../../lib/cache/mod.ts";
import { CacheError, EXIT_CODE } from "../../lib/errors/mod.ts";
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
import { withCache } from "./_cache.ts";

interface VerifyFlags extends GlobalFlags {
  readonly fix?: boolean;
}

function buildVerifyCommand(name: "verify" | "health-check") {
  return buildCommand<VerifyFlags, [], CliContext>({
    docs: {
      brief: name === "verify"
        ? "Re-hash every cached artifact and unpacked file; --fix removes what is corrupt"
        : "Same as `cache verify`",
      fullDescription: examples([
        [`gestvenv cache ${name}`, "check everything; exit 30 when something is wrong"],
        [`gestvenv cache ${name} --fix`, "remove what is wrong (downloaded again when needed)"],
        [`gestvenv cache ${name} --json`, "the report, one entry per problem"],
      ]) +
        "\nEvery artifact is hashed against the sha256 it is stored under, every unpacked file" +
        "\nagainst its name, and every unpacked wheel's manifest must name only files that exist.",
    },
    parameters: {
      flags: {
        ...GLOBAL_FLAGS,
        fix: toggle("Remove the corrupt entries (the next install downloads or unpacks again)"),
      },
      aliases: GLOBAL_ALIASES,
    },
    func: action(`cache ${name}`, async (ctx, flags: VerifyFlags) => {
      const format = formatFor(ctx, ["table", "json"], "table");
      const fix = (flags.fix ?? false) && !ctx.dryRun;
      let root = "";
      const reporter = ctx.environments().reporter;
      reporter.step(
        fix ? "Verifying the cache and removing what is corrupt" : "Verifying the cache",
      );
      const report = await withCache(ctx, (cache) => {
        root = cache.root;
        return verifyCache(cache, {
          fix,
          signal: ctx.signal,
          onWait: () =>
            ctx.printer.warn("Waiting for the package cache: another gestvenv process is using it"),
        });
      }).finally(() => reporter.done());
      const bad = report.problems.filter((p) => !p.removed);
      const code = bad.length > 0 ? EXIT_CODE.CACHE : EXIT_CODE.OK;
      if (format === "json") {
        ctx.printer.json(`cache ${name}`, {
          checked: {
            artifacts: report.checked.artifacts,
            stored_files: report.checked.storedFiles,
            manifests: report.checked.manifests,
            bytes: report.checked.bytes,
          },
          problems: report.problems.map((p) => ({
            kind: p.kind,
            path: p.path,
            sha256: p.sha256,
            problem: p.problem,
            project: p.project,
            version: p.version,
            removed: p.removed,
          })),
          fixed: report.fixed,
        }, code === EXIT_CODE.OK ? "success" : "error");
        return code;
      }
      const p = ctx.printer;
      const c = report.checked;
      p.info(
        `Checked ${c.artifacts} artifact(s), ${c.storedFiles} stored file(s), ` +
          `${c.manifests} unpacked wheel(s) in ${root} (${formatBytes(c.bytes)} hashed)`,
      );
      if (report.problems.length === 0) {
        p.success("The cache is sound");
        return code;
      }
      await p.table(
        ["Kind", "Path (in the cache)", "Problem", ...(fix ? ["Removed"] : [])],
        report.problems.map((x) => [
          x.kind,
          x.path.startsWith(`${root}/`) ? x.path.slice(root.length + 1) : x.path,
          x.problem,
          ...(fix ? [x.removed ? "yes" : "no"] : []),
        ]),
      );
      if (bad.length === 0) {
        p.success(
          `Removed ${report.problems.length} corrupt entr(ies): the next install downloads or ` +
            "unpacks them again",
        );
      } else {
        p.error(
          new CacheError(`${bad.length} entr(ies) of the cache are corrupt or missing files`, {
            hint: `Run \`gestvenv cache ${name} --fix\` to remove them (they are downloaded or ` +
              "unpacked again when needed)",
          }),
        );
      }
      return code;
    }, { effect: "changes" }),
  });
}

/** `gestvenv cache verify [--fix]`. */
export const cacheVerifyCommand = buildVerifyCommand("verify");
/** `gestvenv cache health-check [--fix]` (the spec's name for `cache verify`). */
export const cacheHealthCheckCommand = buildVerifyCommand("health-check");
