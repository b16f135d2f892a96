import { normalizeName, requirementName } from "../names/mod.ts";

/**
 * Requirement lines of a requirements file that name a project (comments, blank lines and option
 * lines such as `--index-url` dropped; continuation lines joined). Used to remember what the user
 * asked for; the backend reads the file itself for the install.
 */
export function requirementLines(text: string): string[] {
  const joined = text.replace(/\\\r?\n/g, "");
  const out: string[] = [];
  for (const raw of joined.split(/\r?\n/)) {
    const line = raw.replace(/(^|\s)#.*$/, "").trim();
    if (line === "" || line.startsWith("-")) continue;
    if (requirementName(line) !== undefined) out.push(line);
  }
  return out;
}

/**
 * Merges newly requested requirements into the recorded ones: a new requirement replaces an older
 * one for the same project (PEP 503 name); others are appended in order.
 */
export function mergeRequirements(existing: string[], added: string[]): string[] {
  const key = (req: string) => {
    const name = requirementName(req);
    return name === undefined ? req : normalizeName(name);
  };
  const result = [...existing];
  for (const req of added) {
    const k = key(req);
    const i = result.findIndex((r) => key(r) === k);
    if (i >= 0) result[i] = req;
    else result.push(req);
  }
  return result;
}

/** Removes the requirements that name any of `names` (PEP 503 comparison). */
export function dropRequirements(existing: string[], names: string[]): string[] {
  const drop = new Set(names.map(normalizeName));
  return existing.filter((req) => {
    const name = requirementName(req);
    return name === undefined || !drop.has(normalizeName(name));
  });
}
