import { buildCommand } from "npm:@stricli/core@1.3.0";
import { getEnvironment, openEnvironment } from "../lib/environments/mod.ts";
import type { DependencyGraph } from "../lib/packages/mod.ts";
import {
  action,
  type CliContext,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "./_context.ts";
import { environmentName, examples } from "./_help.ts";

interface TreeNode {
  name: string;
  version: string | null;
  specifier: string;
  /** Already shown above (a repeat or a cycle): not expanded again. */
  seen: boolean;
  dependencies: TreeNode[];
}

function buildTree(
  graph: DependencyGraph,
  name: string,
  specifier: string,
  seen: Set<string>,
): TreeNode {
  const node = graph.nodes.get(name);
  const repeat = seen.has(name);
  seen.add(name);
  return {
    name,
    version: node?.version ?? null,
    specifier,
    seen: repeat,
    dependencies: repeat || node === undefined
      ? []
      : node.requires.map((r) => buildTree(graph, r.name, r.specifier, seen)),
  };
}

function render(node: TreeNode, prefix: string, last: boolean, top: boolean, out: string[]): void {
  const version = node.version === null ? " (not installed)" : ` ${node.version}`;
  const spec = node.specifier === "" || top ? "" : ` [${node.specifier}]`;
  out.push(
    `${top ? "" : prefix + (last ? "└── " : "├── ")}${node.name}${version}${spec}${
      node.seen ? " (*)" : ""
    }`,
  );
  const childPrefix = top ? "" : prefix + (last ? "    " : "│   ");
  node.dependencies.forEach((d, i) =>
    render(d, childPrefix, i === node.dependencies.length - 1, false, out)
  );
}

/** `gestvenv tree ENV`: the dependency tree of an environment, from its requirements. */
export const treeCommand = buildCommand<GlobalFlags, [string], CliContext>({
  docs: {
    brief: "Show an environment's dependency tree, from its requirements down",
    fullDescription: examples([
      ["gestvenv tree web", "(*) marks a distribution already shown above"],
      ["gestvenv tree web --format json", "nested JSON"],
    ]),
  },
  parameters: {
    flags: { ...GLOBAL_FLAGS },
    aliases: GLOBAL_ALIASES,
    positional: { kind: "tuple", parameters: [environmentName()] },
  },
  func: action("tree", async (ctx, _flags: GlobalFlags, name: string) => {
    // Loaded when the command runs: the installer, resolver and cache are not needed to start.
    const { installedGraph } = await import("../lib/packages/mod.ts");
    const format = formatFor(ctx, ["table", "json"], "table");
    const env = ctx.environments();
    const record = await getEnvironment(env, name);
    const { target } = await openEnvironment(env, record);
    const graph = await installedGraph(target, record.requirements);
    const seen = new Set<string>();
    const roots = graph.roots.map((r) => buildTree(graph, r.name, "", seen));
    if (format === "json") {
      ctx.printer.json("tree", { environment: name, roots });
      return;
    }
    if (roots.length === 0) {
      ctx.printer.info(`\`${name}\` has no distributions installed`);
      return;
    }
    const out: string[] = [];
    for (const root of roots) render(root, "", true, true, out);
    ctx.printer.data(out.join("\n"));
  }, { effect: "reads" }),
});
