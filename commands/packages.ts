import { freezeDistributions } from "../lib/distribution/mod.ts";
import { buildCommand } from "npm:@stricli/core@1.3.0";
import { getEnvironment, openEnvironment } from "../lib/environments/mod.ts";
import {
  action,
  type CliContext,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "./_context.ts";
import {
  completeEnvironmentNames,
  environmentFlag,
  examples,
  optionalText,
  toggle,
} from "./_help.ts";
import { resolveTarget } from "./_target.ts";
import { join } from "../lib/paths/mod.ts";
import { InvalidSyntaxError } from "../lib/errors/mod.ts";

interface PackagesFlags extends GlobalFlags {
  readonly env?: string;
  readonly lock?: boolean;
}

/**
 * The environment's `pylock.toml`: its text, and its document (PEP 751 field names, as TOML
 * parses to JSON) once checked by lib/lock's reader; null for both when there is none.
 *
 * @throws {InvalidSyntaxError} When the lock is not a valid PEP 751 lock (with a hint: `gestvenv
 *   lock NAME` writes it again).
 */
async function environmentLock(
  dir: string,
  name: string,
): Promise<{ path: string; text: string | null; document: unknown }> {
  const path = join(dir, "pylock.toml");
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return { path, text: null, document: null };
    throw error;
  }
  const [{ parsePylock }, { parse }] = await Promise.all([
    import("../lib/lock/mod.ts"),
    import("npm:smol-toml@1.9.1"),
  ]);
  try {
    parsePylock(text, path);
    return { path, text, document: JSON.parse(JSON.stringify(parse(text))) };
  } catch (error) {
    if (!(error instanceof InvalidSyntaxError)) throw error;
    throw new InvalidSyntaxError(error.message, undefined, {
      hint: `\`gestvenv lock ${name}\` writes the lock again from the environment`,
      cause: error,
    });
  }
}

/** `gestvenv packages`: the distributions installed in an environment, read from disk. */
export const packagesCommand = buildCommand<PackagesFlags, [string | undefined], CliContext>({
  docs: {
    brief: "List the distributions installed in an environment (table, json or requirements)",
    fullDescription: examples([
      ["gestvenv packages --env web", "a table"],
      ["gestvenv packages --env web --format requirements", "pip freeze style"],
      ["gestvenv packages --env web --lock --format json", "with its lock (PEP 751 fields)"],
    ]),
  },
  parameters: {
    flags: {
      ...GLOBAL_FLAGS,
      env: environmentFlag(),
      lock: toggle(
        "Also the environment's lock (pylock.toml): as JSON with --format json, else its text",
      ),
    },
    aliases: GLOBAL_ALIASES,
    positional: {
      kind: "tuple",
      parameters: [{
        ...optionalText("Environment (older form of --env)", "env"),
        proposeCompletions: completeEnvironmentNames,
      }],
    },
  },
  func: action("packages", async (ctx, flags: PackagesFlags, envArg: string | undefined) => {
    const format = formatFor(ctx, ["table", "json", "requirements"], "table");
    const env = ctx.environments();
    const target = await resolveTarget(env, flags.env ?? envArg, [], {
      legacyNeedsMore: false,
      command: "packages",
    });
    const record = await getEnvironment(env, target.env);
    const { backend, target: t } = await openEnvironment(env, record);
    const installed = await backend.listInstalled(t);
    let lock: Awaited<ReturnType<typeof environmentLock>> | undefined;
    // With --format json a damaged lock does not hide the packages: `lock.error` says what is
    // wrong and how to fix it (the dashboard's lock view shows both).
    let lockError: { code: string; message: string; hint: string | null } | undefined;
    if (flags.lock) {
      try {
        lock = await environmentLock(record.path, record.name);
      } catch (error) {
        if (!(error instanceof InvalidSyntaxError) || format !== "json") throw error;
        lockError = { code: error.code, message: error.message, hint: error.hint ?? null };
        lock = { path: join(record.path, "pylock.toml"), text: null, document: null };
        ctx.printer.warn(`${error.message} (${lockError.hint})`);
      }
    }
    if (format === "json") {
      ctx.printer.json("packages", {
        environment: record.name,
        packages: installed.map(({ name, version, installer, requested }) => ({
          name,
          version,
          installer,
          requested,
        })),
        ...(lock === undefined ? {} : {
          lock: {
            path: lock.path,
            exists: lockError !== undefined || lock.text !== null,
            document: lock.document,
            ...(lockError === undefined ? {} : { error: lockError }),
          },
        }),
      });
    } else if (lock !== undefined) {
      if (lock.text === null) ctx.printer.info(`\`${record.name}\` has no lock (${lock.path})`);
      else ctx.printer.data(lock.text.trimEnd());
    } else if (format === "requirements") {
      const lines = await freezeDistributions(installed);
      if (lines.length > 0) ctx.printer.data(lines.join("\n"));
    } else if (installed.length === 0) {
      ctx.printer.info(`No distributions installed in \`${record.name}\``);
    } else {
      await ctx.printer.table(
        ["Distribution", "Version", "Installer"],
        installed.map((d) => [d.name, d.version, d.installer ?? ""]),
      );
    }
  }, { effect: "reads" }),
});
