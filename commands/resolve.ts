import { buildCommand } from "npm:@stricli/core@1.3.0";
import { UsageError } from "../lib/errors/mod.ts";
import { buildPylock, formatPylock } from "../lib/lock/mod.ts";
import {
  action,
  type CliContext,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "./_context.ts";
import { examples } from "./_help.ts";
import {
  RESOLVE_ALIASES,
  RESOLVE_FLAGS,
  type ResolveFlags,
  resolveOptions,
} from "./_resolve_flags.ts";
import { VERSION } from "./_version.ts";

interface ResolveCommandFlags extends GlobalFlags, ResolveFlags {}

/** `gestvenv resolve REQS...`: prints a resolution without creating anything. */
export const resolveCommand = buildCommand<ResolveCommandFlags, string[], CliContext>({
  docs: {
    brief: "Resolve requirements to exact versions and print them (nothing is installed)",
    fullDescription: examples([
      ["gestvenv resolve flask", "a table of name, version, and who needs it"],
      ["gestvenv resolve -r requirements.in --format requirements", "pinned requirements"],
      ['gestvenv resolve "requests[socks]" --python 3.12 --format pylock', "a PEP 751 lock"],
      ["gestvenv resolve pandas --format json", "machine-readable, with file URLs and hashes"],
    ]),
  },
  parameters: {
    flags: { ...GLOBAL_FLAGS, ...RESOLVE_FLAGS },
    aliases: { ...GLOBAL_ALIASES, ...RESOLVE_ALIASES },
    positional: {
      kind: "array",
      parameter: {
        brief: 'Requirements (PEP 508): flask, "numpy>=2"',
        parse: String,
        placeholder: "requirement",
      },
    },
  },
  func: action("resolve", async (ctx, flags: ResolveCommandFlags, ...requirements: string[]) => {
    // Loaded when the command runs: the installer, resolver and cache are not needed to start.
    const { resolveRequirements } = await import("../lib/packages/mod.ts");
    const format = formatFor(ctx, ["table", "json", "requirements", "pylock"], "table");
    if (requirements.length === 0 && (flags.requirement ?? []).length === 0) {
      throw new UsageError("Nothing to resolve", { hint: "Name requirements, or pass `-r FILE`" });
    }
    const env = ctx.environments();
    const { resolution, interpreter, requirementTexts } = await resolveRequirements(
      env,
      resolveOptions(flags, requirements),
    );
    const packages = resolution.packages;
    if (format === "json") {
      ctx.printer.json("resolve", {
        python: interpreter.info.version,
        interpreter: interpreter.path,
        packages: packages.map((p) => ({
          name: p.name,
          version: p.version,
          extras: p.extras,
          direct: p.direct,
          dependencies: p.dependencies,
          index: p.index,
          file: { name: p.file.filename, url: p.file.url, sha256: p.file.sha256 },
        })),
      });
    } else if (format === "requirements") {
      ctx.printer.data(packages.map((p) => `${p.name}==${p.version}`).join("\n"));
    } else if (format === "pylock") {
      const lock = buildPylock(packages, {
        createdBy: `gestvenv ${VERSION}`,
        requirements: requirementTexts,
        python: interpreter.info.version,
      });
      ctx.printer.data(formatPylock(lock).trimEnd());
    } else {
      const neededBy = new Map<string, string[]>();
      for (const p of packages) {
        for (const d of p.dependencies) neededBy.set(d, [...(neededBy.get(d) ?? []), p.name]);
      }
      await ctx.printer.table(
        ["Distribution", "Version", "Required by"],
        packages.map((p) => [
          p.name,
          p.version,
          [...(p.direct ? ["(you)"] : []), ...(neededBy.get(p.name) ?? [])].join(", "),
        ]),
      );
      ctx.printer.info(`${packages.length} distributions for Python ${interpreter.info.version}`);
    }
  }, { effect: "reads" }),
});
