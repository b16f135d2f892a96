/**
 * Editor integration (issue 13 §3, spec 001 "Intégration IDE"): the interpreter path of an
 * environment, VS Code's `.vscode/settings.json` edited without losing comments, PyCharm's
 * `.idea/misc.xml` project interpreter, and what a project's editor files point at.
 *
 * @module
 */
export * from "./interpreter.ts";
export * from "./jsonc_edit.ts";
export * from "./line_diff.ts";
export * from "./vscode.ts";
export * from "./pycharm.ts";
export * from "./ide_status.ts";
export * from "./inside_project.ts";
