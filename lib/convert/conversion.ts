import type { ProjectData } from "../pyproject/mod.ts";

/** The kinds of files gestvenv converts to a pyproject.toml. */
export type ConversionSource = "requirements" | "pipfile" | "setup.cfg";

/**
 * What a converter made of a file: the pyproject.toml tables it proposes (PEP 621 `[project]`,
 * PEP 735 `[dependency-groups]`, `[tool.gestvenv]` index settings and scripts), the project
 * identity to use only when the target has no `[project]` yet, and a warning for everything the
 * file says that a pyproject.toml cannot carry (nothing is dropped silently).
 */
export interface Conversion {
  /** Which converter made it. */
  kind: ConversionSource;
  /** Absolute path of the file converted. */
  source: string;
  /** Every file read (the source, included requirement files, group files). */
  files: string[];
  /** The tables to merge into pyproject.toml. */
  data: ProjectData;
  /**
   * `[project]` keys the source does not state (requirements files have no name or version):
   * used only when the target has no `[project]` table, never merged over a declared one.
   */
  projectDefaults: Record<string, unknown>;
  /** What could not be carried over, or was changed on the way (one sentence each). */
  warnings: string[];
}

/** A PEP 508 project name made of a directory name (`My Project!` → `My-Project`). */
export function projectNameFrom(text: string): string {
  const name = text.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, "");
  return name === "" ? "project" : name;
}
