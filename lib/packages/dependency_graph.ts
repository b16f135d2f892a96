/**
 * The dependency graph of what is installed in an environment, read from each
 * `*.dist-info/METADATA` (`Requires-Dist` with markers evaluated for the environment's
 * interpreter): the data behind `gestvenv why` and `gestvenv tree`. No network.
 *
 * @module
 */
import type { BackendTarget } from "../backends/mod.ts";
import { readInstalledDistributions } from "../distribution/mod.ts";
import { normalizeName } from "../names/mod.ts";
import { dependenciesFor, parseCoreMetadata } from "../metadata/mod.ts";
import { join } from "../paths/mod.ts";
import { parseRequirement, type Requirement } from "../pep508/mod.ts";
import { formatSpecifierSet } from "../pep440/mod.ts";

/** One installed distribution and what it requires. */
export interface GraphNode {
  name: string;
  version: string;
  /** Requirements that hold here, with the extra that pulled each in (null = always). */
  requires: { name: string; specifier: string; extra: string | null; installed: boolean }[];
}

/** The installed graph, and its roots (the user's requirements). */
export interface DependencyGraph {
  nodes: Map<string, GraphNode>;
  /** Root requirements: normalized name and extras asked for. */
  roots: { name: string; extras: string[]; text: string }[];
}

/**
 * Builds the graph of `target`. Roots are the recorded requirements; without any, the installed
 * distributions nothing else requires.
 */
export async function installedGraph(
  target: BackendTarget,
  requirements: string[],
): Promise<DependencyGraph> {
  const installed = await readInstalledDistributions(target.layout.sitePackages);
  const markers = target.interpreter.info.markers;
  const names = new Set(installed.map((d) => d.normalized_name));
  const extrasWanted = new Map<string, Set<string>>();
  const roots: DependencyGraph["roots"] = [];
  for (const text of requirements) {
    let parsed: Requirement;
    try {
      parsed = parseRequirement(text);
    } catch {
      continue; // A path, a URL or `-e ...`: not a named root.
    }
    const extras = parsed.extras;
    const key = normalizeName(parsed.name);
    roots.push({ name: key, extras, text });
    extrasWanted.set(key, new Set([...(extrasWanted.get(key) ?? []), ...extras]));
  }
  const nodes = new Map<string, GraphNode>();
  await Promise.all(installed.map(async (dist) => {
    let requires: GraphNode["requires"] = [];
    try {
      const metadata = parseCoreMetadata(await Deno.readTextFile(join(dist.dist_info, "METADATA")));
      const extras = [...(extrasWanted.get(dist.normalized_name) ?? [])];
      requires = dependenciesFor(metadata, extras, markers).map((d) => ({
        name: d.requirement.normalizedName,
        specifier: formatSpecifierSet(d.requirement.specifier),
        extra: d.extra,
        installed: names.has(d.requirement.normalizedName),
      }));
    } catch {
      // Unreadable metadata: a node without edges.
    }
    nodes.set(dist.normalized_name, {
      name: dist.normalized_name,
      version: dist.version,
      requires,
    });
  }));
  if (roots.length === 0) {
    const required = new Set([...nodes.values()].flatMap((n) => n.requires.map((r) => r.name)));
    for (const n of [...nodes.keys()].sort()) {
      if (!required.has(n)) roots.push({ name: n, extras: [], text: n });
    }
  }
  return { nodes, roots };
}

/**
 * Every chain from a root requirement to `target` (each without repeats), shortest first:
 * `["flask", "werkzeug", "markupsafe"]`.
 */
export function chainsTo(graph: DependencyGraph, target: string): string[][] {
  const wanted = normalizeName(target);
  const chains: string[][] = [];
  const walk = (name: string, path: string[]) => {
    if (path.includes(name) || chains.length >= 100) return;
    const next = [...path, name];
    if (name === wanted) {
      chains.push(next);
      return;
    }
    for (const r of graph.nodes.get(name)?.requires ?? []) if (r.installed) walk(r.name, next);
  };
  for (const root of graph.roots) if (graph.nodes.has(root.name)) walk(root.name, []);
  return chains.sort((a, b) => a.length - b.length || a.join().localeCompare(b.join()));
}

/**
 * What nothing needs any more once `removed` (PEP 503 names) are gone (`uninstall --dependencies`,
 * spec 000): the installed dependencies of `removed`, followed transitively, that no remaining
 * root requirement reaches and that are not roots themselves or in `keep` (e.g. `pip`). Sorted.
 */
export function orphanedBy(
  graph: DependencyGraph,
  removed: ReadonlySet<string>,
  keep: ReadonlySet<string> = new Set(),
): string[] {
  const walk = (from: Iterable<string>, skip: ReadonlySet<string>): Set<string> => {
    const seen = new Set<string>();
    const stack = [...from];
    while (stack.length > 0) {
      const name = stack.pop()!;
      if (seen.has(name) || skip.has(name)) continue;
      const node = graph.nodes.get(name);
      if (node === undefined) continue;
      seen.add(name);
      for (const r of node.requires) if (r.installed) stack.push(r.name);
    }
    return seen;
  };
  const roots = graph.roots.map((r) => r.name).filter((n) => !removed.has(n));
  const needed = walk(roots, removed);
  const freed = walk(removed, new Set());
  return [...freed].filter((n) =>
    !removed.has(n) && !needed.has(n) && !keep.has(n) && !roots.includes(n)
  ).sort();
}
