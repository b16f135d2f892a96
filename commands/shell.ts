import { Command } from "@commander-js/extra-typings";
import { basename, join } from "node:path";
import { getEnvironment, openEnvironment, touchEnvironment } from "../lib/environments/mod.ts";
import { readEnv } from "../lib/paths/mod.ts";
import { BIN_NAME } from "../lib/virtualenv/mod.ts";
import { buildContext, globalOptions } from "./_context.ts";
import { examples } from "./_help.ts";
import { runInEnvironment } from "./_spawn_in_env.ts";
import { runState } from "./run.ts";

/** `gestvenv shell NAME`: an interactive sub-shell with the environment active. */
export function shellCommand() {
  return new Command("shell")
    .description(
      "Start a sub-shell with the environment active; `exit` returns to the previous shell",
    )
    .argument("<name>", "environment name")
    .addHelpText("after", examples([["gestvenv shell web", "a sub-shell in `web`"]]))
    .action(async (name, _opts, cmd) => {
      const ctx = await buildContext(globalOptions(cmd));
      const env = ctx.environments();
      const record = await getEnvironment(env, name);
      await openEnvironment(env, record);
      await touchEnvironment(env, name);
      const bin = join(record.path, BIN_NAME);
      if (Deno.build.os === "windows") {
        const ps = readEnv("PSModulePath") !== undefined;
        runState.exitCode = ps
          ? await runInEnvironment(record, "powershell", [
            "-NoExit",
            "-Command",
            `. '${join(bin, "Activate.ps1")}'`,
          ])
          : await runInEnvironment(record, "cmd", ["/k", join(bin, "activate.bat")]);
        return;
      }
      const shell = readEnv("SHELL") ?? "/bin/sh";
      const kind = basename(shell);
      const tmp = await Deno.makeTempDir({ prefix: "gestvenv-shell-" });
      try {
        ctx.printer.info(`Entering \`${name}\`; type \`exit\` to leave`);
        if (kind === "bash") {
          const rc = join(tmp, "bashrc");
          await Deno.writeTextFile(
            rc,
            `[ -f ~/.bashrc ] && . ~/.bashrc\n. '${join(bin, "activate")}'\n`,
          );
          runState.exitCode = await runInEnvironment(record, shell, ["--rcfile", rc, "-i"]);
        } else if (kind === "zsh") {
          const home = readEnv("ZDOTDIR") ?? readEnv("HOME") ?? "";
          await Deno.writeTextFile(
            join(tmp, ".zshrc"),
            `[ -f '${home}/.zshrc' ] && . '${home}/.zshrc'\n. '${join(bin, "activate")}'\n`,
          );
          Deno.env.set("ZDOTDIR", tmp);
          runState.exitCode = await runInEnvironment(record, shell, ["-i"]);
        } else if (kind === "fish") {
          runState.exitCode = await runInEnvironment(record, shell, [
            "-C",
            `source '${join(bin, "activate.fish")}'`,
          ]);
        } else {
          runState.exitCode = await runInEnvironment(record, shell, ["-i"]);
        }
      } finally {
        await Deno.remove(tmp, { recursive: true }).catch(() => {});
      }
    });
}
