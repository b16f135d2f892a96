/**
 * Whether an environment already satisfies requirements, read from its installed distributions
 * alone (no index, no resolution): what makes a no-op install cost nothing, as `uv pip install`
 * audits site-packages before it resolves.
 *
 * @module
 */
import type { InstalledDistribution } from "../distribution/mod.ts";
import { dependenciesFor, parseCoreMetadata } from "../metadata/mod.ts";
import { join } from "../paths/mod.ts";
import { satisfiesSpecifierSet, tryParseVersion } from "../pep440/mod.ts";
import { evaluateMarker, type MarkerContext, type Requirement } from "../pep508/mod.ts";

/**
 * True when every requirement (markers evaluated for `markers`) is met by an installed
 * distribution whose version satisfies its specifier (pre-releases allowed, as an installed
 * version is), and so on recursively through each distribution's `Requires-Dist` with the extras
 * asked for. A direct reference (`name @ URL`), an unreadable METADATA or a missing distribution
 * answers false: the caller then resolves. Reads only `*.dist-info/METADATA` files.
 */
export async function satisfiedByInstalled(
  installed: readonly InstalledDistribution[],
  requirements: readonly Requirement[],
  markers: MarkerContext,
): Promise<boolean> {
  const byName = new Map(installed.map((d) => [d.normalized_name, d]));
  const seen = new Set<string>();
  const queue = requirements.filter((r) =>
    r.marker === null || evaluateMarker(r.marker, { ...markers, extra: "" })
  );
  while (queue.length > 0) {
    const req = queue.pop()!;
    if (req.url !== null) return false;
    const dist = byName.get(req.normalizedName);
    if (dist === undefined) return false;
    const version = tryParseVersion(dist.version);
    if (version === null) return false;
    if (
      req.specifier.specifiers.length > 0 &&
      !satisfiesSpecifierSet(version, req.specifier, true)
    ) return false;
    const extras = [...req.extras].sort();
    const key = `${req.normalizedName}[${extras.join(",")}]`;
    if (seen.has(key)) continue;
    seen.add(key);
    let deps;
    try {
      const metadata = parseCoreMetadata(await Deno.readTextFile(join(dist.dist_info, "METADATA")));
      deps = dependenciesFor(metadata, extras, markers);
    } catch {
      return false;
    }
    for (const d of deps) queue.push(d.requirement);
  }
  return true;
}
