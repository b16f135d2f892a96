import { buildCommand } from "npm:@stricli/core@1.3.0";
import {
  action,
  type CliContext,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "../_context.ts";
import { examples } from "../_help.ts";
import { formatBytes } from "../_output.ts";
import { RESOLVE_ALIASES } from "../_resolve_flags.ts";
import { EXIT_CODE } from "../../lib/errors/mod.ts";
import { TARGET_FLAGS, type TargetFlags, targetOptions } from "./_targets.ts";

interface CheckOfflineFlags extends GlobalFlags, TargetFlags {}

/** `gestvenv cache check-offline REQS... [--platforms TAGS]`: could this install offline? */
export const cacheCheckOfflineCommand = buildCommand<CheckOfflineFlags, string[], CliContext>({
  docs: {
    brief: "Say whether requirements can be resolved and installed from the cache alone",
    fullDescription: examples([
      ["gestvenv cache check-offline -r requirements.txt", "for this interpreter"],
      [
        "gestvenv cache check-offline -r reqs.txt --platforms win_amd64,manylinux_2_28_x86_64",
        "for two machines",
      ],
      ["gestvenv cache check flask --format json", "the same, as JSON (alias `check`)"],
    ]) +
      "\nThe requirements are resolved from cached index pages and metadata only (stale pages are" +
      "\naccepted, as with `--offline`; no request is sent), and every chosen file is looked up in" +
      '\nthe cache. Exit 0 and a "ready offline" table when everything is there; otherwise the' +
      "\nlist of what is missing (project, version, platform, reason) and exit 4. Fill the gaps" +
      "\nwith `gestvenv cache add` on a connected machine. A chosen sdist's build requirements" +
      "\n(PEP 518) are checked too.",
  },
  parameters: {
    flags: { ...GLOBAL_FLAGS, ...TARGET_FLAGS },
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
  func: action(
    "cache check-offline",
    async (ctx, flags: CheckOfflineFlags, ...requirements: string[]) => {
      const format = formatFor(ctx, ["table", "json"], "table");
      const options = targetOptions(flags, requirements);
      const { checkOffline } = await import("../../lib/packages/mod.ts");
      const report = await checkOffline(ctx.environments(), options);
      const missing = report.targets.flatMap((t) => t.missing);
      const p = ctx.printer;
      if (format === "json") {
        p.json(
          "cache check-offline",
          {
            ready: report.ready,
            platforms: report.targets.map((t) => ({
              platform: t.platform,
              python: t.python,
              ready: t.ready,
              files: t.files,
              missing: t.missing,
            })),
          },
          report.ready ? "success" : "error",
          missing.map((m) => ({
            code: "missing",
            message: `${m.project}${
              m.version === null ? "" : ` ${m.version}`
            } (${m.platform}): ${m.reason}`,
            hint: null,
          })),
        );
      } else if (report.ready) {
        await p.table(
          ["Platform", "Project", "Version", "File", "Size"],
          report.targets.flatMap((t) =>
            t.files.map((f) => [
              t.platform,
              f.project,
              f.version,
              f.filename + (f.kind === "sdist" ? " (sdist: built at install)" : "") +
              (f.buildFor === null ? "" : ` (builds ${f.buildFor})`),
              formatBytes(f.size),
            ])
          ),
        );
        p.success(
          `Ready offline: ${
            report.targets.map((t) => `${t.platform} (Python ${t.python})`).join(", ")
          }`,
        );
      } else {
        await p.table(
          ["Project", "Version", "Platform", "Missing", "Detail"],
          missing.map((m) => [
            m.project || "-",
            m.version ?? "-",
            m.platform,
            m.reason,
            (m.buildFor === null ? "" : `to build ${m.buildFor}: `) +
            (m.reason === "no resolution" ? m.detail.split("\n")[0]! : m.detail),
          ]),
        );
        for (const m of missing.filter((m) => m.reason === "no resolution")) {
          p.info(`${m.platform}:\n${m.detail.replace(/^/gm, "  ")}`);
        }
        const ready = report.targets.filter((t) => t.ready).map((t) => t.platform);
        p.info(
          `Not ready offline: ${missing.length} missing${
            ready.length > 0 ? ` (ready: ${ready.join(", ")})` : ""
          }.\nhint: Run \`gestvenv cache add\` with the same requirements${
            (flags.platforms ?? []).length > 0 ? " and --platforms" : ""
          } on a connected machine`,
        );
      }
      return report.ready ? EXIT_CODE.OK : EXIT_CODE.PACKAGE_NOT_FOUND;
    },
    { effect: "reads" },
  ),
});
