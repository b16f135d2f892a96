import type { IndexSettings } from "../config/mod.ts";

/**
 * Command-line options for pip or uv from index settings. Extra indexes and find-links given here
 * replace the tool's own (a user who configured gestvenv's indexes wants exactly those).
 */
export function indexArgs(index: IndexSettings): string[] {
  const args: string[] = [];
  if (index.indexUrl !== undefined) args.push("--index-url", index.indexUrl);
  for (const url of index.extraIndexUrls) args.push("--extra-index-url", url);
  for (const link of index.findLinks) args.push("--find-links", link);
  return args;
}

/** Whether any index setting is present. */
export function hasIndexOverrides(index: IndexSettings): boolean {
  return index.indexUrl !== undefined || index.extraIndexUrls.length > 0 ||
    index.findLinks.length > 0;
}
