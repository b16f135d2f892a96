import { lockInstalled } from "./environment_lock.ts";
import { formatPylock } from "../lock/mod.ts";
import { freezeDistributions } from "../distribution/mod.ts";
import { OperationError, UsageError } from "../errors/mod.ts";
import { absolute } from "../paths/mod.ts";
import { findInterpreter } from "../python/mod.ts";
import { type EnvironmentContext, getEnvironment, openEnvironment } from "./context.ts";
import { createEnvironment, type CreateEnvironmentResult } from "./create_environment.ts";
import type { PackagePin } from "./environment_record.ts";
import { requirementLines } from "./requirements_text.ts";

/** Export file formats. */
export type ExportFormat = "json" | "requirements" | "pylock";

/** The JSON export document (`gestvenv export NAME FILE`). */
export interface EnvironmentExport {
  /** Format version of this document; 1. */
  gestvenv_export_version: 1;
  name: string;
  description: string | null;
  python: { version: string; implementation: string };
  backend: string;
  /** What the user asked for. */
  requirements: string[];
  /** Installed distributions. */
  packages: PackagePin[];
  /** Requirement lines that reproduce the installed set exactly (`pip freeze` form). */
  freeze: string[];
  /** ISO 8601 time of the export. */
  exported_at: string;
}

/**
 * Renders the named environment for export: a JSON document (see {@linkcode EnvironmentExport}),
 * or a requirements.txt with the exact installed versions. Installed versions are read from the
 * environment itself, not from the registry.
 */
export async function exportEnvironment(
  ctx: EnvironmentContext,
  name: string,
  format: ExportFormat,
): Promise<string> {
  const record = await getEnvironment(ctx, name);
  const { backend, target } = await openEnvironment(ctx, record);
  if (format === "pylock") {
    const { lock, unlocked } = await lockInstalled(ctx, record, target);
    for (const u of unlocked) {
      ctx.reporter.warn(`${u.name} ${u.version} is not in the lock: ${u.reason}`);
    }
    return formatPylock(lock);
  }
  const installed = await backend.listInstalled(target);
  const freeze = await freezeDistributions(installed);
  if (format === "requirements") {
    const header =
      `# Exported by gestvenv from \`${name}\` (${record.python.implementation} ${record.python.version})`;
    return [header, ...freeze].join("\n") + "\n";
  }
  const doc: EnvironmentExport = {
    gestvenv_export_version: 1,
    name: record.name,
    description: record.description,
    python: { version: record.python.version, implementation: record.python.implementation },
    backend: record.backend,
    requirements: record.requirements,
    packages: installed.map((d) => ({ name: d.name, version: d.version })),
    freeze,
    exported_at: new Date().toISOString(),
  };
  return JSON.stringify(doc, null, 2) + "\n";
}

/** Detects the format of an export file: a JSON export document, else requirements text. */
export function detectExportFormat(text: string): ExportFormat {
  try {
    const doc = JSON.parse(text) as Partial<EnvironmentExport>;
    if (doc !== null && typeof doc === "object" && doc.gestvenv_export_version !== undefined) {
      return "json";
    }
  } catch { /* not JSON */ }
  return "requirements";
}

/**
 * Creates environment `name` from an export file: a JSON export recreates the same Python version
 * (falling back to the same `major.minor`) and installs the exact frozen versions; a requirements
 * file is installed as it is.
 *
 * @throws {UsageError} When the file is a JSON document of another kind.
 * @throws {OperationError} `file_not_found` when the file cannot be read.
 */
export async function importEnvironment(
  ctx: EnvironmentContext,
  file: string,
  name: string,
  options: { format?: ExportFormat | undefined; python?: string | undefined; dryRun?: boolean } =
    {},
): Promise<CreateEnvironmentResult> {
  const path = absolute(file);
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    throw new OperationError(`Cannot read ${path}`, "file_not_found", {
      cause: error,
      hint: "Check the file path",
    });
  }
  const format = options.format ?? detectExportFormat(text);
  if (format === "requirements") {
    return await createEnvironment(ctx, name, {
      python: options.python,
      requirementFiles: [path],
      dryRun: options.dryRun ?? false,
    });
  }
  let doc: EnvironmentExport;
  try {
    doc = JSON.parse(text) as EnvironmentExport;
  } catch (error) {
    throw new UsageError(`${path} is not valid JSON`, {
      cause: error,
      hint: "Pass `--format requirements` for a requirements file",
    });
  }
  if (doc.gestvenv_export_version !== 1 || !Array.isArray(doc.freeze)) {
    throw new UsageError(`${path} is not a gestvenv export (version 1)`, {
      hint: "Create one with `gestvenv export NAME FILE`",
    });
  }
  let python = options.python;
  if (python === undefined) {
    const impl = doc.python.implementation === "cpython" ? "" : doc.python.implementation;
    const exact = `${impl}${doc.python.version}`;
    const minor = `${impl}${doc.python.version.split(".").slice(0, 2).join(".")}`;
    python = await findInterpreter(exact, { cacheDir: ctx.home.cacheDir }).then(
      () => exact,
      () => minor,
    );
  }
  const result = await createEnvironment(ctx, name, {
    python,
    description: doc.description ?? undefined,
    packages: doc.freeze.flatMap((l) => l.startsWith("-e ") ? [] : requirementLines(l)),
    dryRun: options.dryRun ?? false,
  });
  return result;
}
