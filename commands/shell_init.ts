import { buildChoiceParser, buildCommand } from "npm:@stricli/core@1.3.0";
import { findExecutable } from "../lib/paths/mod.ts";
import { ENV_VARS } from "../lib/paths/mod.ts";
import {
  action,
  type CliContext,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "./_context.ts";
import { examples } from "./_help.ts";
import { selfCommand } from "./_self.ts";

const SHELL_INIT_SHELLS = ["bash", "zsh", "fish", "pwsh"] as const;

function posixQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`;
}

/**
 * The shell code that defines a `gestvenv` function: `activate` and `deactivate` act on the current
 * shell; every other subcommand runs the real program. The function never calls itself: the
 * program is run with `command` (bash, zsh, fish; through `env` when a variable is set for it),
 * which skips shell functions, and by its full path in PowerShell, where a function would shadow
 * a program of the same name.
 *
 * @param self The program's command line: `["gestvenv"]` when it is on `PATH` (the full path
 *   for `pwsh`), else the interpreter and script that run it.
 */
export function shellInitScript(shell: (typeof SHELL_INIT_SHELLS)[number], self: string[]): string {
  const v = ENV_VARS.SHELL_INTEGRATION;
  if (shell === "fish") {
    const exe = self.map(posixQuote).join(" ");
    return [
      "function gestvenv --description 'gestvenv with shell integration'",
      '    switch "$argv[1]"',
      "        case activate",
      `        set -l line (command env ${v}=1 ${exe} $argv --shell fish); or return $status`,
      "        eval $line",
      "        case deactivate",
      "        if functions -q deactivate",
      "            deactivate",
      "        else",
      "            echo 'gestvenv: no environment is active' >&2",
      "        end",
      "        case '*'",
      `        command ${exe} $argv`,
      "    end",
      "end",
      "",
    ].join("\n");
  }
  if (shell === "pwsh") {
    const exe = self.map((s) => `'${s.replaceAll("'", "''")}'`);
    return [
      "function gestvenv {",
      "    if ($args.Count -gt 0 -and $args[0] -eq 'activate') {",
      `        $env:${v} = '1'`,
      `        try { $line = & ${
        exe.join(" ")
      } @args --shell pwsh } finally { Remove-Item env:${v} }`,
      '        if ($LASTEXITCODE -eq 0 -and $line) { Invoke-Expression ($line -join "`n") }',
      "    } elseif ($args.Count -gt 0 -and $args[0] -eq 'deactivate') {",
      "        if (Get-Command deactivate -ErrorAction SilentlyContinue) { deactivate } else { Write-Error 'gestvenv: no environment is active' }",
      "    } else {",
      `        & ${exe.join(" ")} @args`,
      "    }",
      "}",
      "",
    ].join("\n");
  }
  const exe = self.map(posixQuote).join(" ");
  return [
    "gestvenv() {",
    '    case "${1-}" in',
    "        activate)",
    "            local __gestvenv_line",
    `            __gestvenv_line="$(command env ${v}=1 ${exe} "$@" --shell ${shell})" || return $?`,
    '            eval "$__gestvenv_line"',
    "            ;;",
    "        deactivate)",
    "            if command -v deactivate >/dev/null 2>&1; then deactivate; else echo 'gestvenv: no environment is active' >&2; return 1; fi",
    "            ;;",
    "        *)",
    `            command ${exe} "$@"`,
    "            ;;",
    "    esac",
    "}",
    "",
  ].join("\n");
}

type InitShell = (typeof SHELL_INIT_SHELLS)[number];

/** `gestvenv shell-init SHELL`: prints the shell function that makes `activate` work. */
export const shellInitCommand = buildCommand<GlobalFlags, [InitShell], CliContext>({
  docs: {
    brief: "Print the shell function that lets `gestvenv activate`/`deactivate` change this shell",
    fullDescription: examples([
      ["echo 'eval \"$(gestvenv shell-init bash)\"' >> ~/.bashrc", "bash"],
      ["echo 'eval \"$(gestvenv shell-init zsh)\"' >> ~/.zshrc", "zsh"],
      ["gestvenv shell-init fish | source", "fish (add to config.fish)"],
      ["gestvenv shell-init pwsh | Out-String | Invoke-Expression", "PowerShell (add to $PROFILE)"],
    ]),
  },
  parameters: {
    flags: GLOBAL_FLAGS,
    aliases: GLOBAL_ALIASES,
    positional: {
      kind: "tuple",
      parameters: [{
        brief: "bash, zsh, fish or pwsh",
        parse: buildChoiceParser(SHELL_INIT_SHELLS),
        placeholder: "shell",
      }],
    },
  },
  func: action("shell-init", async (ctx, _flags: GlobalFlags, shell: InitShell) => {
    const onPath = await findExecutable("gestvenv");
    const self = onPath === undefined ? selfCommand() : shell === "pwsh" ? [onPath] : ["gestvenv"];
    ctx.printer.data(shellInitScript(shell, self));
  }, { effect: "reads" }),
});
