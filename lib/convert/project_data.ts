import { parse } from "npm:smol-toml@1.9.1";
import type { ProjectData } from "../pyproject/mod.ts";
import type { Conversion } from "./conversion.ts";

/**
 * The identity of a new project (PEP 621 `[project]` core keys), as `generate` and the
 * `--interactive` prompts fill it in.
 */
export interface ProjectMetadata {
  /** `project.name` (PEP 508 name). */
  name: string;
  /** `project.version` (PEP 440). */
  version: string;
  /** `project.description`; omitted when empty. */
  description?: string | undefined;
  /** One author; omitted when neither is set. */
  author?: { name?: string | undefined; email?: string | undefined } | undefined;
  /** `project.license` as a PEP 639 SPDX expression; omitted when empty. */
  license?: string | undefined;
  /** `project.requires-python` (PEP 440 specifiers); omitted when empty. */
  requiresPython?: string | undefined;
  /** `project.readme`, a file name; omitted when empty. */
  readme?: string | undefined;
}

/** Whether a pyproject.toml text has a `[project]` table (false for an empty or unreadable text). */
export function hasProjectTable(text: string): boolean {
  if (text.trim() === "") return false;
  try {
    const doc = parse(text) as Record<string, unknown>;
    return doc.project !== undefined;
  } catch {
    return false;
  }
}

/**
 * The tables of a new pyproject.toml: `[project]` from `meta` (keys in PEP 621's usual order)
 * followed by what the conversion found (dependencies, groups, index settings).
 *
 * @param meta The project's identity.
 * @param conversion A conversion to take dependencies and other tables from, if any.
 */
export function newProjectData(meta: ProjectMetadata, conversion?: Conversion): ProjectData {
  const project: Record<string, unknown> = { name: meta.name, version: meta.version };
  if (meta.description) project.description = meta.description;
  if (meta.readme) project.readme = meta.readme;
  if (meta.requiresPython) project["requires-python"] = meta.requiresPython;
  if (meta.license) project.license = meta.license;
  const author: Record<string, string> = {};
  if (meta.author?.name) author.name = meta.author.name;
  if (meta.author?.email) author.email = meta.author.email;
  if (Object.keys(author).length > 0) project.authors = [author];
  const converted = conversion?.data.project ?? {};
  for (const [key, value] of Object.entries(converted)) {
    if (!(key in project) || key === "dependencies") project[key] = value;
  }
  if (project.dependencies === undefined) project.dependencies = [];
  return { ...conversion?.data, project };
}

/**
 * What a conversion merges into an existing (or empty) pyproject.toml: its tables, plus its
 * project defaults (name, version) when the target has no `[project]` table yet; a declared
 * `[project]` never gets the made-up defaults.
 */
export function conversionData(conversion: Conversion, targetText: string): ProjectData {
  if (hasProjectTable(targetText) || conversion.data.project === undefined) {
    return conversion.data;
  }
  return {
    ...conversion.data,
    project: { ...conversion.projectDefaults, ...conversion.data.project },
  };
}
