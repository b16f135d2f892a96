import { join } from "../paths/mod.ts";
import type { InstalledDistribution } from "./installed_distributions.ts";

interface DirectUrl {
  url?: string;
  dir_info?: { editable?: boolean };
  vcs_info?: { vcs?: string; commit_id?: string };
}

/**
 * Renders installed distributions as requirement lines, as `pip freeze` does: `name==version`,
 * `name @ url` for direct URL installs and `-e url` for editable ones (PEP 610
 * `direct_url.json`). Requires `--allow-read`.
 */
export async function freezeDistributions(dists: InstalledDistribution[]): Promise<string[]> {
  return await Promise.all(dists.map(async (dist) => {
    let direct: DirectUrl | undefined;
    try {
      direct = JSON.parse(
        await Deno.readTextFile(join(dist.dist_info, "direct_url.json")),
      ) as DirectUrl;
    } catch {
      direct = undefined;
    }
    if (direct?.url !== undefined) {
      if (direct.dir_info?.editable) return `-e ${direct.url}`;
      if (direct.vcs_info?.vcs !== undefined) {
        return `${dist.name} @ ${direct.vcs_info.vcs}+${direct.url}@${
          direct.vcs_info.commit_id ?? ""
        }`;
      }
      if (!direct.url.startsWith("file:")) return `${dist.name} @ ${direct.url}`;
    }
    return `${dist.name}==${dist.version}`;
  }));
}
