/**
 * VS Code's workspace settings (`<project>/.vscode/settings.json`): what `ide vscode` writes so
 * the Python extension picks a gestvenv environment, edited in place (comments kept).
 *
 * @module
 */
import { readUserFile, replaceUserFile } from "../fs/mod.ts";
import { dirname, join } from "../paths/mod.ts";
import { assertInsideProject } from "./inside_project.ts";
import { parseJsoncObject, setJsoncKeys } from "./jsonc_edit.ts";

/** The settings file, relative to the project directory. */
export const VSCODE_SETTINGS_FILE = ".vscode/settings.json";

/** The keys `ide vscode` sets (the Python extension's settings). */
export const VSCODE_KEYS = {
  /** The interpreter the workspace uses until the user picks another one. */
  interpreter: "python.defaultInterpreterPath",
  /** A folder whose subfolders are virtual environments (offered in the interpreter list). */
  venvPath: "python.venvPath",
  /** Activate the environment in terminals VS Code opens. */
  activate: "python.terminal.activateEnvironment",
} as const;

/** What writing the settings would do (see {@linkcode planVscodeSettings}). */
export interface VscodeSettingsPlan {
  /** The project directory (absolute). */
  projectDir: string;
  /** The settings file (absolute). */
  path: string;
  /** Its text now, or null when there is none. */
  before: string | null;
  /** Its text after the edit. */
  after: string;
  /** Whether the text changes. */
  changed: boolean;
}

/**
 * Plans the edit of `<project>/.vscode/settings.json`: `python.defaultInterpreterPath` =
 * `interpreter`, `python.venvPath` = `environmentsDir`, `python.terminal.activateEnvironment` =
 * true; every other byte of an existing file is kept. Reads only.
 *
 * @param projectDir The project directory (absolute).
 * @throws {ConfigError} (exit 10) When the file is not valid JSONC, is not an object, or cannot
 *   be read (a directory), or when it or `.vscode/` leads outside the project (a symlink) or is
 *   a dangling symlink; nothing is written.
 */
export async function planVscodeSettings(
  projectDir: string,
  values: { interpreter: string; environmentsDir: string },
): Promise<VscodeSettingsPlan> {
  const path = join(projectDir, VSCODE_SETTINGS_FILE);
  await assertInsideProject(projectDir, path);
  const before = await readUserFile(path);
  const after = await setJsoncKeys(before ?? "", [
    [VSCODE_KEYS.interpreter, values.interpreter],
    [VSCODE_KEYS.venvPath, values.environmentsDir],
    [VSCODE_KEYS.activate, true],
  ], path);
  return { projectDir, path, before, after, changed: before !== after };
}

/**
 * Writes a planned settings file: `.vscode/` is made if needed, and the file is replaced
 * atomically (a symlink stays one, the mode is kept) only if it still holds what was planned
 * from.
 *
 * @throws {OperationError} (code `user_file_changed`) When the file changed since the plan.
 * @throws {ConfigError} (exit 10) When it cannot be written, or now leads outside the project.
 */
export async function writeVscodeSettings(plan: VscodeSettingsPlan): Promise<void> {
  if (!plan.changed) return;
  await assertInsideProject(plan.projectDir, plan.path);
  await Deno.mkdir(dirname(plan.path), { recursive: true });
  await assertInsideProject(plan.projectDir, plan.path);
  await replaceUserFile(plan.path, plan.after, { expected: plan.before });
}

/**
 * Reads the interpreter a project's VS Code settings name (`python.defaultInterpreterPath`,
 * else the older `python.pythonPath`).
 *
 * @returns The file's path, whether it exists, and the interpreter (null when unset).
 * @throws {ConfigError} (exit 10) When the file is not a valid JSONC object.
 */
export async function readVscodeInterpreter(
  projectDir: string,
): Promise<{ path: string; exists: boolean; interpreter: string | null; venvPath: string | null }> {
  const path = join(projectDir, VSCODE_SETTINGS_FILE);
  const text = await readUserFile(path);
  if (text === null) return { path, exists: false, interpreter: null, venvPath: null };
  const settings = await parseJsoncObject(text, path);
  const str = (key: string) => typeof settings[key] === "string" ? settings[key] as string : null;
  return {
    path,
    exists: true,
    interpreter: str(VSCODE_KEYS.interpreter) ?? str("python.pythonPath"),
    venvPath: str(VSCODE_KEYS.venvPath),
  };
}
