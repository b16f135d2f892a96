import { buildCommand } from "npm:@stricli/core@1.3.0";
import { getEnvironment, loadRegistry, openEnvironment } from "../lib/environments/mod.ts";
import { UsageError } from "../lib/errors/mod.ts";
import { atomicWriteFile } from "../lib/fs/mod.ts";
import { buildPylock, formatPylock, parsePylock } from "../lib/lock/mod.ts";
import { absolute } from "../lib/paths/mod.ts";
import {
  action,
  type CliContext,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "./_context.ts";
import {
  environmentFlag,
  examples,
  firstArgumentEnvironmentNames,
  optionalText,
  toggle,
} from "./_help.ts";
import {
  RESOLVE_ALIASES,
  RESOLVE_FLAGS,
  type ResolveFlags,
  resolveOptions,
} from "./_resolve_flags.ts";
import { VERSION } from "./_version.ts";

interface LockFlags extends GlobalFlags, ResolveFlags {
  readonly output?: string;
  readonly env?: string;
  readonly upgrade?: boolean;
}

/** Flags of `lock` that take a value (skipped when completing its first argument). */
const LOCK_VALUE_FLAGS = [
  "-o",
  "--output",
  "--env",
  "-r",
  "--requirement",
  "-c",
  "--constraint",
  "-p",
  "--python",
  "--resolution",
  "--prerelease",
  "--only-binary",
  "--no-binary",
  "--index-url",
];

/** `gestvenv lock`: writes a PEP 751 lock of an environment, or of a new resolution. */
export const lockCommand = buildCommand<LockFlags, string[], CliContext>({
  docs: {
    brief: "Write a PEP 751 lock (pylock.toml): of what an environment has, or of requirements",
    fullDescription: examples([
      ["gestvenv lock web", "lock exactly what `web` has (kept in the environment as pylock.toml)"],
      ["gestvenv lock web -o pylock.toml", "... and write it here too"],
      ["gestvenv lock flask requests -o pylock.toml", "resolve and lock new requirements"],
      ["gestvenv lock -r requirements.in --python 3.12", "from a file, for another Python"],
      ["gestvenv lock -r requirements.in --upgrade", "ignore the versions of the existing lock"],
    ]) +
      "\nA single argument naming an environment locks that environment; use --env to be explicit.",
  },
  parameters: {
    flags: {
      ...GLOBAL_FLAGS,
      ...RESOLVE_FLAGS,
      output: optionalText(
        "Where to write the lock (default: the environment's, or ./pylock.toml)",
        "file",
      ),
      env: environmentFlag("Lock this environment's installed distributions"),
      upgrade: toggle("Do not prefer the versions of the existing lock file"),
    },
    aliases: { ...GLOBAL_ALIASES, ...RESOLVE_ALIASES, o: "output", U: "upgrade" },
    positional: {
      kind: "array",
      parameter: {
        brief: "An environment, or requirements to resolve",
        parse: String,
        placeholder: "env|requirement",
        proposeCompletions: firstArgumentEnvironmentNames("lock", LOCK_VALUE_FLAGS),
      },
    },
  },
  func: action("lock", async (ctx, flags: LockFlags, ...args: string[]) => {
    // Loaded when the command runs: the installer, resolver and cache are not needed to start.
    const { environmentLockPath, lockInstalled, resolveRequirements } = await import(
      "../lib/packages/mod.ts"
    );
    const format = formatFor(ctx, ["table", "json"], "table");
    const env = ctx.environments();
    let envName = flags.env;
    if (envName === undefined && args.length === 1 && (flags.requirement ?? []).length === 0) {
      if ((await loadRegistry(env)).environments.has(args[0]!)) envName = args[0];
    }
    let text: string, path: string, count: number;
    if (envName !== undefined) {
      if (envName === flags.env && args.length > 0) {
        throw new UsageError("Give either --env or requirements, not both");
      }
      const record = await getEnvironment(env, envName);
      const { target } = await openEnvironment(env, record);
      const { lock, unlocked } = await lockInstalled(env, record, target);
      for (const u of unlocked) {
        ctx.printer.warn(`${u.name} ${u.version} is not in the lock: ${u.reason}`);
      }
      text = formatPylock(lock);
      count = lock.packages.length;
      path = flags.output === undefined ? environmentLockPath(record) : absolute(flags.output);
      if (!ctx.dryRun && flags.output !== undefined) {
        await atomicWriteFile(environmentLockPath(record), text);
      }
    } else {
      if (args.length === 0 && (flags.requirement ?? []).length === 0) {
        throw new UsageError("Nothing to lock", {
          hint: "Name an environment, requirements, or pass `-r FILE`",
        });
      }
      path = absolute(flags.output ?? "pylock.toml");
      // Re-locking keeps the versions of the previous lock when they still satisfy.
      const previous = flags.upgrade
        ? undefined
        : await Deno.readTextFile(path).then((t) => parsePylock(t, path), () => undefined);
      const preferences = new Map(
        (previous?.packages ?? []).flatMap((p) =>
          p.version === undefined ? [] : [[p.name, p.version] as const]
        ),
      );
      const { resolution, interpreter, requirementTexts } = await resolveRequirements(
        env,
        { ...resolveOptions(flags, args), preferences },
      );
      const lock = buildPylock(resolution.packages, {
        createdBy: `gestvenv ${VERSION}`,
        requirements: requirementTexts,
        python: interpreter.info.version,
      });
      text = formatPylock(lock);
      count = lock.packages.length;
    }
    if (ctx.dryRun) {
      ctx.printer.info(`Would write ${path} (${count} packages)`);
      return;
    }
    await atomicWriteFile(path, text);
    if (format === "json") ctx.printer.json("lock", { path, packages: count });
    else ctx.printer.success(`Locked ${count} packages in ${path}`);
  }, { effect: "changes" }),
});
