/**
 * `ide status`: what each editor's project file points at, which gestvenv environment that is,
 * and whether it is stale (the environment deleted, its interpreter gone).
 *
 * @module
 */
import { join, normalize } from "../paths/mod.ts";
import { environmentInterpreter } from "./interpreter.ts";
import { environmentOfSdkName, PYCHARM_MISC_FILE, readMiscXmlSdk } from "./pycharm.ts";
import { readVscodeInterpreter, VSCODE_SETTINGS_FILE } from "./vscode.ts";
import { readUserFile } from "../fs/mod.ts";
import { GestvenvError } from "../errors/mod.ts";
import { shellCommand } from "../report/mod.ts";

/** A registered environment, as far as editors are concerned. */
export interface KnownEnvironment {
  /** Its name. */
  name: string;
  /** Its directory (absolute). */
  path: string;
}

/**
 * What one editor file says:
 * - `not_configured`: no file, or it names no interpreter;
 * - `ok`: a registered gestvenv environment whose interpreter exists;
 * - `stale`: a gestvenv environment that is deleted or whose interpreter is gone;
 * - `other`: an interpreter gestvenv does not manage (`interpreter_exists` says if it is there);
 * - `unreadable`: the file exists but cannot be read or parsed (`problem` says why).
 */
export type EditorState = "not_configured" | "ok" | "stale" | "other" | "unreadable";

/** One editor's configuration in a project (the JSON rows of `ide status`). */
export interface EditorStatus {
  /** `vscode` or `pycharm`. */
  editor: "vscode" | "pycharm";
  /** The file read (absolute). */
  file: string;
  /** Whether the file exists. */
  file_exists: boolean;
  /** The interpreter path it names (VS Code), or the SDK's interpreter when gestvenv knows it. */
  interpreter: string | null;
  /** PyCharm's SDK name (`project-jdk-name`); null for VS Code. */
  sdk_name: string | null;
  /** The gestvenv environment it is, registered or not (a deleted one keeps its name). */
  environment: string | null;
  /** Whether the interpreter exists (null when there is none to look at). */
  interpreter_exists: boolean | null;
  /** See {@linkcode EditorState}. */
  state: EditorState;
  /** What is wrong, in words, or null. */
  problem: string | null;
  /** The command that fixes it, or null. */
  fix: string | null;
}

const exists = (path: string) => Deno.stat(path).then((s) => s.isFile, () => false);

/**
 * `~`, `${userHome}`, `${workspaceFolder}` and `${env:NAME}` as VS Code expands them in the
 * setting; a bare command name (`python`, no separator) stays as is: VS Code looks it up on PATH.
 */
function expandVscodePath(
  value: string,
  projectDir: string,
  home: string | undefined,
  env: (name: string) => string | undefined,
): string {
  let path = value.replaceAll("${workspaceFolder}", projectDir)
    .replace(/\$\{env:([^}]*)\}/g, (_all, name: string) => env(name) ?? "");
  if (home !== undefined) {
    path = path.replaceAll("${userHome}", home);
    if (path === "~" || path.startsWith("~/")) path = home + path.slice(1);
  }
  if (isCommandName(path)) return path;
  return path.startsWith("/") || /^[A-Za-z]:[\\/]/.test(path)
    ? normalize(path)
    : normalize(join(projectDir, path));
}

/** A name without a path separator: a command looked up on PATH (`python`, `python3.12`). */
const isCommandName = (path: string) =>
  path !== "" && !/[\\/]/.test(path) && path !== "." &&
  path !== "..";

/** The file `command` names on PATH, or undefined. */
async function onPath(
  command: string,
  env: (name: string) => string | undefined,
): Promise<string | undefined> {
  const windows = Deno.build.os === "windows";
  for (const dir of (env("PATH") ?? "").split(windows ? ";" : ":")) {
    if (dir === "") continue;
    for (const suffix of windows ? ["", ".exe"] : [""]) {
      const candidate = join(dir, command + suffix);
      if (await exists(candidate)) return candidate;
    }
  }
  return undefined;
}

/** Whether `path` is below `dir` (either separator: settings files travel between systems). */
const isBelow = (path: string, dir: string) =>
  path.startsWith(dir + "/") || path.startsWith(dir + "\\");

/** The registered environment an interpreter path belongs to, or the name under `environmentsDir`. */
async function environmentOf(
  interpreter: string,
  environments: readonly KnownEnvironment[],
  environmentsDir: string,
): Promise<{ name: string; registered: boolean } | undefined> {
  const real = await Deno.realPath(interpreter).catch(() => undefined);
  for (const e of environments) {
    const python = environmentInterpreter(e.path);
    if (
      interpreter === python || isBelow(interpreter, e.path) ||
      (real !== undefined && real === await Deno.realPath(python).catch(() => undefined))
    ) return { name: e.name, registered: true };
  }
  const dir = normalize(environmentsDir).replace(/[\\/]+$/, "");
  if (isBelow(interpreter, dir)) {
    const name = interpreter.slice(dir.length + 1).split(/[\\/]/)[0]!;
    return { name, registered: false };
  }
  return undefined;
}

/**
 * The editor configuration of `projectDir`: VS Code's `.vscode/settings.json`
 * (`python.defaultInterpreterPath`) and PyCharm's `.idea/misc.xml` (`project-jdk-name`).
 *
 * @param environments The registered environments.
 * @param environmentsDir gestvenv's environments folder (a deleted environment's interpreter
 *   under it is still known by name).
 * @returns One row per editor; a file that cannot be read or parsed is an `unreadable` row (the
 *   other editor's row is still made).
 */
export async function ideStatus(
  projectDir: string,
  environments: readonly KnownEnvironment[],
  environmentsDir: string,
  home: string | undefined = Deno.env.get("HOME"),
  env: (name: string) => string | undefined = (name) => Deno.env.get(name),
): Promise<EditorStatus[]> {
  const rows: EditorStatus[] = [];
  const base = (editor: "vscode" | "pycharm", file: string, fileExists: boolean) => ({
    editor,
    file,
    file_exists: fileExists,
    interpreter: null,
    sdk_name: null,
    environment: null,
    interpreter_exists: null,
    state: "not_configured" as EditorState,
    problem: null,
    fix: null,
  });
  // Each file on its own: one that cannot be read is its row's problem, not the command's.
  const unreadable = (editor: "vscode" | "pycharm", file: string, error: unknown) => {
    if (!(error instanceof GestvenvError)) throw error;
    return {
      ...base(editor, file, true),
      state: "unreadable" as EditorState,
      problem: error.message,
    };
  };
  let vscode: Awaited<ReturnType<typeof readVscodeInterpreter>> | undefined;
  try {
    vscode = await readVscodeInterpreter(projectDir);
  } catch (error) {
    rows.push(unreadable("vscode", join(projectDir, VSCODE_SETTINGS_FILE), error));
  }
  if (vscode === undefined) {
    // Reported above.
  } else if (vscode.interpreter === null) {
    rows.push(base("vscode", vscode.path, vscode.exists));
  } else {
    const interpreter = expandVscodePath(vscode.interpreter, projectDir, home, env);
    const command = isCommandName(interpreter);
    const found = command
      ? undefined
      : await environmentOf(interpreter, environments, environmentsDir);
    const present = command
      ? (await onPath(interpreter, env)) !== undefined
      : await exists(interpreter);
    const row: EditorStatus = {
      ...base("vscode", vscode.path, true),
      interpreter,
      environment: found?.name ?? null,
      interpreter_exists: present,
    };
    if (found === undefined) {
      row.state = "other";
      if (!present) {
        row.problem = command
          ? `\`${interpreter}\` is not on PATH`
          : `${interpreter} does not exist`;
      }
    } else if (!found.registered) {
      row.state = "stale";
      row.problem = `the environment \`${found.name}\` is not registered (deleted)`;
      row.fix = shellCommand(["gestvenv", "ide", "vscode", "--project", projectDir]);
    } else if (!present) {
      row.state = "stale";
      row.problem = `the interpreter of \`${found.name}\` is missing`;
      row.fix = shellCommand(["gestvenv", "repair", found.name, "--fix", "env.interpreter"]);
    } else row.state = "ok";
    rows.push(row);
  }
  const miscPath = join(projectDir, PYCHARM_MISC_FILE);
  let misc: string | null = null;
  let sdk: ReturnType<typeof readMiscXmlSdk>;
  try {
    misc = await readUserFile(miscPath);
    sdk = misc === null ? undefined : readMiscXmlSdk(misc, miscPath);
  } catch (error) {
    rows.push(unreadable("pycharm", miscPath, error));
    return rows;
  }
  if (sdk === undefined) {
    rows.push(base("pycharm", miscPath, misc !== null));
  } else {
    const name = environmentOfSdkName(sdk.name);
    const record = environments.find((e) => e.name === name);
    const row: EditorStatus = { ...base("pycharm", miscPath, true), sdk_name: sdk.name };
    if (name === undefined) {
      row.state = "other";
    } else if (record === undefined) {
      row.environment = name;
      row.state = "stale";
      row.problem = `the environment \`${name}\` is not registered (deleted)`;
      row.fix = shellCommand(["gestvenv", "ide", "pycharm", "--project", projectDir]);
    } else {
      row.environment = name;
      row.interpreter = environmentInterpreter(record.path);
      row.interpreter_exists = await exists(row.interpreter);
      if (row.interpreter_exists) row.state = "ok";
      else {
        row.state = "stale";
        row.problem = `the interpreter of \`${name}\` is missing`;
        row.fix = shellCommand(["gestvenv", "repair", name, "--fix", "env.interpreter"]);
      }
    }
    rows.push(row);
  }
  return rows;
}
