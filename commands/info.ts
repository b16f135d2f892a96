import { buildCommand } from "npm:@stricli/core@1.3.0";
import { getEnvironment } from "../lib/environments/mod.ts";
import { pathExists, treeSize } from "../lib/fs/mod.ts";
import {
  action,
  type CliContext,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "./_context.ts";
import { formatBytes } from "./_output.ts";
import { environmentName, examples } from "./_help.ts";

/** `gestvenv info NAME`: everything the registry knows about one environment. */
export const infoCommand = buildCommand<GlobalFlags, [string], CliContext>({
  docs: {
    brief: "Show an environment: interpreter, backend, requirements, installed distributions",
    fullDescription: examples([["gestvenv info web", "details"], [
      "gestvenv info web --format json",
      "as JSON",
    ]]),
  },
  parameters: {
    flags: GLOBAL_FLAGS,
    aliases: GLOBAL_ALIASES,
    positional: { kind: "tuple", parameters: [environmentName()] },
  },
  func: action("info", async (ctx, _flags: GlobalFlags, name: string) => {
    const format = formatFor(ctx, ["table", "json"], "table");
    const r = await getEnvironment(ctx.environments(), name);
    const exists = await pathExists(r.path);
    const size = exists ? await treeSize(r.path) : 0;
    if (format === "json") {
      // `interpreter`: the path every editor needs (issue 13 §3).
      const { environmentInterpreter } = await import("../lib/ide/mod.ts");
      ctx.printer.json("info", {
        ...r,
        exists,
        size_bytes: size,
        interpreter: environmentInterpreter(r.path),
      });
      return;
    }
    const p = ctx.printer;
    await p.table(["Field", "Value"], [
      ["Name", r.name],
      ["Path", exists ? r.path : `${r.path} (missing)`],
      ["Python", `${r.python.implementation} ${r.python.version} (${r.python.path})`],
      ["Backend", r.backend],
      ["Description", r.description ?? ""],
      ["Created", r.created_at],
      ["Last used", r.last_used_at],
      ["Size", formatBytes(size)],
      ["Requirements", r.requirements.join("\n")],
      ...(r.project === undefined ? [] : [
        ["Project", `${r.project.path}${r.project.installed ? " (editable)" : " (not installed)"}`],
        ["Groups", r.project.groups.join(", ")],
        ["Extras", r.project.extras.join(", ")],
      ]),
    ]);
    if (r.packages.length > 0) {
      await p.table(["Distribution", "Version"], r.packages.map((d) => [d.name, d.version]));
    }
  }, { effect: "reads" }),
});
