/**
 * `pip check`, computed by gestvenv: every installed distribution's `Requires-Dist` (core
 * metadata; markers evaluated for the environment, PEP 508) must be installed at a matching
 * version (PEP 440, pre-releases allowed as pip check allows them).
 *
 * @module
 */
import { readInstalledDistributions } from "../distribution/mod.ts";
import { dependenciesFor, parseCoreMetadata } from "../metadata/mod.ts";
import { join } from "../paths/mod.ts";
import { formatSpecifierSet, satisfiesSpecifierSet, tryParseVersion } from "../pep440/mod.ts";
import type { MarkerEnvironment } from "../pep508/mod.ts";

/**
 * Checks that the distributions installed in `sitePackages` have what they require in
 * `environment` (the interpreter's marker environment), as `pip check` does: base requirements
 * only (the extras a distribution was installed with are not recorded). Returns pip's lines, sorted
 * by distribution: `a 1.0 requires b, which is not installed.` and
 * `a 1.0 has requirement b>=2, but you have b 1.0.`; empty when consistent. A METADATA that cannot
 * be parsed gives a line too. Requires `--allow-read`.
 */
export async function checkDependencies(
  sitePackages: string[],
  environment: MarkerEnvironment,
): Promise<string[]> {
  const installed = await readInstalledDistributions(sitePackages);
  const byName = new Map(installed.map((d) => [d.normalized_name, d]));
  const problems: string[] = [];
  for (const dist of installed) {
    let requirements;
    try {
      const metadata = parseCoreMetadata(await Deno.readTextFile(join(dist.dist_info, "METADATA")));
      requirements = dependenciesFor(metadata, [], environment, `${dist.name} METADATA`);
    } catch (error) {
      problems.push(
        `${dist.name} ${dist.version} has unreadable metadata: ${(error as Error).message}`,
      );
      continue;
    }
    for (const { requirement } of requirements) {
      const dep = byName.get(requirement.normalizedName);
      if (dep === undefined) {
        problems.push(
          `${dist.name} ${dist.version} requires ${requirement.name}, which is not installed.`,
        );
        continue;
      }
      if (requirement.specifier.specifiers.length === 0) continue;
      const version = tryParseVersion(dep.version);
      if (version === null || !satisfiesSpecifierSet(version, requirement.specifier, true)) {
        problems.push(
          `${dist.name} ${dist.version} has requirement ${requirement.name}` +
            `${
              formatSpecifierSet(requirement.specifier)
            }, but you have ${dep.name} ${dep.version}.`,
        );
      }
    }
  }
  return problems;
}
