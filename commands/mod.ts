/**
 * The command tree: the root program with its global options, every subcommand, and the single
 * place where errors become exit codes.
 *
 * @module
 */
import { Command, CommanderError } from "@commander-js/extra-typings";
import { EXIT_CODE, GestvenvError } from "../lib/errors/mod.ts";
import { activateCommand, deactivateCommand } from "./activate.ts";
import { checkCommand } from "./check.ts";
import { cleanupCommand } from "./cleanup.ts";
import { cloneCommand } from "./clone.ts";
import { configCommand } from "./config/mod.ts";
import { createCommand } from "./create.ts";
import { deleteCommand } from "./delete.ts";
import { exportCommand } from "./export.ts";
import { importCommand } from "./import.ts";
import { infoCommand } from "./info.ts";
import { installCommand } from "./install.ts";
import { listCommand } from "./list.ts";
import { Printer } from "./_output.ts";
import { packagesCommand } from "./packages.ts";
import { pyversionsCommand } from "./pyversions.ts";
import { renameCommand } from "./rename.ts";
import { runCommand, runState } from "./run.ts";
import { shellCommand } from "./shell.ts";
import { shellInitCommand } from "./shell_init.ts";
import { uninstallCommand } from "./uninstall.ts";
import { updateCommand } from "./update.ts";
import { VERSION } from "./_version.ts";

/** Builds the root command with every subcommand registered. */
export function buildProgram() {
  const program = new Command("gestvenv")
    .description(
      "Named Python environments: create, fill, run, clone, export and import them from one CLI",
    )
    .version(`gestvenv ${VERSION}`, "-V, --version", "print the version")
    .option("-v, --verbose", "show backend output and stack traces")
    .option("-q, --quiet", "only print data and errors")
    .option(
      "--format <format>",
      "output format: table, json or requirements (where a command lists things)",
    )
    .option("--json", "same as --format json")
    .option("--no-color", "disable colors (NO_COLOR and non-terminals disable them too)")
    .option("-n, --dry-run", "print what would change, change nothing")
    .option("-y, --yes", "answer yes to confirmations")
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .showSuggestionAfterError(true)
    .exitOverride();
  const commands = [
    createCommand(),
    listCommand(),
    infoCommand(),
    deleteCommand(),
    runCommand(),
    shellCommand(),
    activateCommand(),
    deactivateCommand(),
    shellInitCommand(),
    installCommand(),
    uninstallCommand(),
    updateCommand(),
    checkCommand(),
    packagesCommand(),
    renameCommand(),
    cloneCommand(),
    exportCommand(),
    importCommand(),
    cleanupCommand(),
    configCommand(),
    pyversionsCommand(),
  ];
  for (const command of commands) {
    command.exitOverride();
    command.commands.forEach((sub) => sub.exitOverride());
    program.addCommand(command as unknown as Command);
  }
  return program;
}

/**
 * Argument rewrites before parsing:
 * - `run NAME CMD...`: everything after NAME belongs to CMD (`python -V` must not reach gestvenv's
 *   `-V`), so a `--` is put after NAME;
 * - `remove ENV PKG...` (spec 000) uninstalls packages; `remove ENV` deletes the environment.
 */
export function normalizeArgs(args: string[]): string[] {
  const i = args.findIndex((a) => !a.startsWith("-"));
  if (i < 0) return args;
  if (args[i] === "run") {
    const rest = args.slice(i + 1);
    const nameAt = rest.findIndex((a) => !a.startsWith("-"));
    if (
      nameAt >= 0 && rest[nameAt] !== "--" && rest[nameAt + 1] !== "--" &&
      !rest.slice(0, nameAt).includes("--")
    ) {
      return [
        ...args.slice(0, i + 1),
        ...rest.slice(0, nameAt + 1),
        "--",
        ...rest.slice(nameAt + 1),
      ];
    }
  }
  if (args[i] === "remove") {
    const positionals = args.slice(i + 1).filter((a) => !a.startsWith("-"));
    if (positionals.length >= 2) return [...args.slice(0, i), "uninstall", ...args.slice(i + 1)];
  }
  return args;
}

/**
 * Runs the CLI with `args` (without the program name) and returns the process exit code. Nothing
 * here calls `Deno.exit`; `main.ts` does, once.
 */
export async function runCli(args: string[]): Promise<number> {
  const program = buildProgram();
  const first = args.find((a) => !a.startsWith("-"));
  if (first === "completion" || first === "complete") {
    const { default: tab } = await import("@bomb.sh/tab/commander");
    tab(program as unknown as import("commander").Command, { completionCommandName: "completion" });
  } else {
    program.addCommand(
      new Command("completion").description(
        "Print a shell completion script: bash, zsh, fish or powershell",
      ).argument("<shell>") as unknown as Command,
    );
  }
  const verbose = args.includes("--verbose") || args.includes("-v");
  const wantsJson = args.includes("--json") || args.join(" ").includes("--format json") ||
    args.includes("--format=json");
  try {
    runState.exitCode = 0;
    await program.parseAsync(normalizeArgs(args), { from: "user" });
    return runState.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (
        error.code === "commander.helpDisplayed" || error.code === "commander.version" ||
        error.code === "commander.help"
      ) {
        return EXIT_CODE.OK;
      }
      return EXIT_CODE.USAGE;
    }
    const printer = new Printer({
      verbose,
      color: args.includes("--no-color") ? false : undefined,
    });
    if (wantsJson && error instanceof GestvenvError) {
      printer.json(first ?? "gestvenv", null, "error", [{
        code: error.code,
        message: error.message,
        hint: error.hint ?? null,
      }]);
    }
    printer.error(error);
    return error instanceof GestvenvError ? error.exitCode : EXIT_CODE.GENERAL;
  }
}
