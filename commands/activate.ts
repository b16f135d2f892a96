import { buildCommand } from "npm:@stricli/core@1.3.0";
import { basename, ENV_VARS, join, readEnv } from "../lib/paths/mod.ts";
import { BIN_NAME } from "../lib/virtualenv/mod.ts";
import { emitLifecycle } from "../lib/environments/mod.ts";
import { useEnvironment } from "./_target.ts";
import {
  action,
  type CliContext,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "./_context.ts";
import { environmentName, examples } from "./_help.ts";
import { noteUpdatesOnActivate } from "./_update_notice.ts";

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

interface ActivateFlags extends GlobalFlags {
  readonly shell?: ShellName;
}

/** `gestvenv activate NAME`: prints (or, through shell-init, performs) the activation. */
export const activateCommand = buildCommand<ActivateFlags, [string], CliContext>({
  docs: {
    brief:
      "Activate an environment in this shell (with `gestvenv shell-init`; else prints the line to source)",
    fullDescription: examples([
      ['eval "$(gestvenv shell-init bash)"', "once, in ~/.bashrc: makes `activate` work"],
      ["gestvenv activate web", "then: activates `web` in this shell"],
      ['eval "$(gestvenv activate web)"', "without shell-init"],
    ]),
  },
  parameters: {
    flags: {
      ...GLOBAL_FLAGS,
      shell: {
        kind: "enum",
        values: SHELLS,
        brief: "Shell to write the activation for",
        optional: true,
      },
    },
    aliases: GLOBAL_ALIASES,
    positional: { kind: "tuple", parameters: [environmentName()] },
  },
  func: action("activate", async (ctx, flags: ActivateFlags, name: string) => {
    const env = ctx.environments();
    const record = await useEnvironment(env, name);
    const shell = flags.shell ?? detectShell();
    ctx.printer.data(activationLine(record.path, shell));
    await emitLifecycle(env, { event: "post-activate", environment: name, path: record.path });
    if (readEnv(ENV_VARS.SHELL_INTEGRATION) === undefined) {
      ctx.printer.info(
        `To activate \`${name}\` in this shell, evaluate the line above (\`eval "$(gestvenv activate ${name})"\`),\n` +
          `or add \`eval "$(gestvenv shell-init ${
            shell === "sh" ? "bash" : shell
          })"\` to your shell's startup file once.`,
      );
    }
    // `check_updates_on_activate`: a note on stderr, bounded in time, never a failure.
    await noteUpdatesOnActivate(ctx, record);
  }, { effect: "reads" }),
});

/** `gestvenv deactivate`: leaves the active environment (through shell-init's function). */
export const deactivateCommand = buildCommand<GlobalFlags, [], CliContext>({
  docs: {
    brief: "Leave the active environment (with `gestvenv shell-init`; else prints `deactivate`)",
  },
  parameters: { flags: GLOBAL_FLAGS, aliases: GLOBAL_ALIASES },
  func: action("deactivate", async (ctx, _flags: GlobalFlags) => {
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
    return await Promise.resolve();
  }, { effect: "reads" }),
});
