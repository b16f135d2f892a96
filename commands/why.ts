import { buildCommand } from "npm:@stricli/core@1.3.0";
import { getEnvironment, openEnvironment } from "../lib/environments/mod.ts";
import { PackageNotFoundError } from "../lib/errors/mod.ts";
import { normalizeName } from "../lib/names/mod.ts";
import {
  action,
  type CliContext,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "./_context.ts";
import { environmentName, examples, text } from "./_help.ts";

/** `gestvenv why ENV PKG`: the chains from the user's requirements to a distribution. */
export const whyCommand = buildCommand<GlobalFlags, [string, string], CliContext>({
  docs: {
    brief: "Show why a distribution is installed: the chains from your requirements to it",
    fullDescription: examples([
      ["gestvenv why web markupsafe", "flask 3.1.3 → jinja2 3.1.6 → markupsafe 3.0.4"],
      ["gestvenv why web idna --format json", "the chains as JSON"],
    ]),
  },
  parameters: {
    flags: { ...GLOBAL_FLAGS },
    aliases: GLOBAL_ALIASES,
    positional: {
      kind: "tuple",
      parameters: [environmentName(), text("Distribution name", "package")],
    },
  },
  func: action("why", async (ctx, _flags: GlobalFlags, name: string, pkg: string) => {
    // Loaded when the command runs: the installer, resolver and cache are not needed to start.
    const { chainsTo, installedGraph } = await import("../lib/packages/mod.ts");
    const format = formatFor(ctx, ["table", "json"], "table");
    const env = ctx.environments();
    const record = await getEnvironment(env, name);
    const { target } = await openEnvironment(env, record);
    const graph = await installedGraph(target, record.requirements);
    const key = normalizeName(pkg);
    const node = graph.nodes.get(key);
    if (node === undefined) {
      throw new PackageNotFoundError(`\`${pkg}\` is not installed in \`${name}\``, {
        hint: `See what is with \`gestvenv packages --env ${name}\``,
      });
    }
    const chains = chainsTo(graph, key);
    const label = (n: string) => `${n} ${graph.nodes.get(n)?.version ?? ""}`.trim();
    if (format === "json") {
      ctx.printer.json("why", {
        environment: name,
        package: { name: key, version: node.version },
        chains: chains.map((c) =>
          c.map((n) => ({ name: n, version: graph.nodes.get(n)?.version ?? null }))
        ),
      });
      return;
    }
    if (chains.length === 0) {
      ctx.printer.info(
        `${label(key)} is installed but none of \`${name}\`'s requirements needs it`,
      );
      return;
    }
    const direct = chains.some((c) => c.length === 1);
    ctx.printer.data(chains.map((c) => c.map(label).join(" → ")).join("\n"));
    if (direct) ctx.printer.info(`${key} is one of \`${name}\`'s requirements`);
  }, { effect: "reads" }),
});
