import { buildCommand } from "npm:@stricli/core@1.3.0";
import { basename, join, readEnv } from "../lib/paths/mod.ts";
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
import { runInEnvironment } from "./_spawn_in_env.ts";

/** `gestvenv shell NAME`: an interactive sub-shell with the environment active. */
export const shellCommand = buildCommand<GlobalFlags, [string], CliContext>({
  docs: {
    brief: "Start a sub-shell with the environment active; `exit` returns to the previous shell",
    fullDescription: examples([["gestvenv shell web", "a sub-shell in `web`"]]),
  },
  parameters: {
    flags: GLOBAL_FLAGS,
    aliases: GLOBAL_ALIASES,
    positional: { kind: "tuple", parameters: [environmentName()] },
  },
  func: action("shell", async (ctx, _flags: GlobalFlags, name: string) => {
    const env = ctx.environments();
    const record = await useEnvironment(env, name);
    // The activation starts now: post-activate hooks run before the sub-shell does.
    await emitLifecycle(env, { event: "post-activate", environment: name, path: record.path });
    await ctx.hooks.flush();
    const bin = join(record.path, BIN_NAME);
    if (Deno.build.os === "windows") {
      const ps = readEnv("PSModulePath") !== undefined;
      return ps
        ? await runInEnvironment(record, "powershell", [
          "-NoExit",
          "-Command",
          `. '${join(bin, "Activate.ps1")}'`,
        ])
        : await runInEnvironment(record, "cmd", ["/k", join(bin, "activate.bat")]);
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
        return await runInEnvironment(record, shell, ["--rcfile", rc, "-i"]);
      } else if (kind === "zsh") {
        const home = readEnv("ZDOTDIR") ?? readEnv("HOME") ?? "";
        await Deno.writeTextFile(
          join(tmp, ".zshrc"),
          `[ -f '${home}/.zshrc' ] && . '${home}/.zshrc'\n. '${join(bin, "activate")}'\n`,
        );
        return await runInEnvironment(record, shell, ["-i"], { ZDOTDIR: tmp });
      } else if (kind === "fish") {
        return await runInEnvironment(record, shell, [
          "-C",
          `source '${join(bin, "activate.fish")}'`,
        ]);
      } else {
        return await runInEnvironment(record, shell, ["-i"]);
      }
    } finally {
      await Deno.remove(tmp, { recursive: true }).catch(() => {});
    }
  }, { effect: "runs" }),
});
