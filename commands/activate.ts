import { Command, Option } from "@commander-js/extra-typings";
import { basename, join } from "node:path";
import { getEnvironment, openEnvironment, touchEnvironment } from "../lib/environments/mod.ts";
import { ENV_VARS, readEnv } from "../lib/paths/mod.ts";
import { BIN_NAME } from "../lib/virtualenv/mod.ts";
import { buildContext, globalOptions } from "./_context.ts";
import { examples } from "./_help.ts";

/** Shells gestvenv can activate environments in. */
export const SHELLS = [
  "bash",
  "zsh",
  "sh",
  "fish",
  "csh",
  "tcsh",
  "nu",
  "pwsh",
  "powershell",
  "cmd",
] as const;
/** One of {@linkcode SHELLS}. */
export type ShellName = (typeof SHELLS)[number];

/** The shell of the user: basename of `$SHELL`, or `sh`/`pwsh` by OS. */
export function detectShell(): ShellName {
  const name = basename(readEnv("SHELL") ?? "").replace(/\.exe$/, "");
  if ((SHELLS as readonly string[]).includes(name)) return name as ShellName;
  return Deno.build.os === "windows" ? "pwsh" : "sh";
}

const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/** The line that activates `root` in `shell`. */
export function activationLine(root: string, shell: ShellName): string {
  const bin = join(root, BIN_NAME);
  switch (shell) {
    case "fish":
      return `source ${quote(join(bin, "activate.fish"))}`;
    case "csh":
    case "tcsh":
      return `source ${quote(join(bin, "activate.csh"))}`;
    case "nu":
      return `overlay use ${quote(join(bin, "activate.nu"))}`;
    case "pwsh":
    case "powershell":
      return `. '${join(bin, "Activate.ps1").replaceAll("'", "''")}'`;
    case "cmd":
      return `call "${join(bin, "activate.bat")}"`;
    default:
      return `. ${quote(join(bin, "activate"))}`;
  }
}

/** `gestvenv activate NAME`: prints (or, through shell-init, performs) the activation. */
export function activateCommand() {
  return new Command("activate")
    .description(
      "Activate an environment in the current shell (needs `gestvenv shell-init`; else prints the line to source)",
    )
    .argument("<name>", "environment name")
    .addOption(new Option("--shell <shell>", "shell to write the activation for").choices(SHELLS))
    .addHelpText(
      "after",
      examples([
        ['eval "$(gestvenv shell-init bash)"', "once, in ~/.bashrc: makes `activate` work"],
        ["gestvenv activate web", "then: activates `web` in this shell"],
        ['eval "$(gestvenv activate web)"', "without shell-init"],
      ]),
    )
    .action(async (name, opts, cmd) => {
      const ctx = await buildContext(globalOptions(cmd));
      const env = ctx.environments();
      const record = await getEnvironment(env, name);
      await openEnvironment(env, record);
      await touchEnvironment(env, name);
      const shell = opts.shell ?? detectShell();
      ctx.printer.data(activationLine(record.path, shell));
      if (readEnv(ENV_VARS.SHELL_INTEGRATION) === undefined) {
        ctx.printer.info(
          `To activate \`${name}\` in this shell, evaluate the line above (\`eval "$(gestvenv activate ${name})"\`),\n` +
            `or add \`eval "$(gestvenv shell-init ${
              shell === "sh" ? "bash" : shell
            })"\` to your shell's startup file once.`,
        );
      }
    });
}

/** `gestvenv deactivate`: leaves the active environment (through shell-init's function). */
export function deactivateCommand() {
  return new Command("deactivate")
    .description(
      "Leave the active environment (needs `gestvenv shell-init`; else prints `deactivate`)",
    )
    .action(async (_opts, cmd) => {
      const ctx = await buildContext(globalOptions(cmd));
      if (readEnv("VIRTUAL_ENV") === undefined) {
        ctx.printer.info("No environment is active");
        return;
      }
      ctx.printer.data("deactivate");
      if (readEnv(ENV_VARS.SHELL_INTEGRATION) === undefined) {
        ctx.printer.info(
          "Run `deactivate` in your shell, or set up `gestvenv shell-init` so that `gestvenv deactivate` does it",
        );
      }
    });
}
