/**
 * Global flags → the context every command runs with.
 *
 * @module
 */
import {
  type BackendChoice,
  loadConfig,
  resolveSettings,
  type SettingsFlags,
} from "../lib/config/mod.ts";
import type { EnvironmentContext } from "../lib/environments/mod.ts";
import { UsageError } from "../lib/errors/mod.ts";
import { type HomeLayout, resolveHome } from "../lib/paths/mod.ts";
import type { GestvenvConfig } from "../lib/config/mod.ts";
import { type OutputFormat, Printer } from "./_output.ts";
import { createReporter } from "./_reporters.ts";
import { VERSION } from "./_version.ts";

/** The global options declared on the root command. */
export interface GlobalOptions {
  verbose?: boolean | undefined;
  quiet?: boolean | undefined;
  format?: string | undefined;
  json?: boolean | undefined;
  color?: boolean | undefined;
  dryRun?: boolean | undefined;
  yes?: boolean | undefined;
}

/** What a command runs with: printer, home, configuration and global switches. */
export interface CommandContext {
  printer: Printer;
  home: HomeLayout;
  config: GestvenvConfig;
  /** The `--format` asked for, or undefined for the command's default. */
  format: OutputFormat | undefined;
  dryRun: boolean;
  /** `--yes`: answer yes to confirmations. */
  yes: boolean;
  /** Context for lib/environments operations, with the command's own setting flags applied. */
  environments(flags?: SettingsFlags): EnvironmentContext;
}

const FORMATS: readonly OutputFormat[] = ["table", "json", "requirements"];

/** Reads the root's global options from any (sub)command. */
export function globalOptions(command: { optsWithGlobals(): object }): GlobalOptions {
  return command.optsWithGlobals() as GlobalOptions;
}

/** Builds the context from global options; loads the configuration file. */
export async function buildContext(globals: GlobalOptions): Promise<CommandContext> {
  const printer = new Printer({
    color: globals.color,
    quiet: globals.quiet ?? false,
    verbose: globals.verbose ?? false,
  });
  let format: OutputFormat | undefined;
  if (globals.json) format = "json";
  else if (globals.format !== undefined) {
    if (!FORMATS.includes(globals.format as OutputFormat)) {
      throw new UsageError(`Unknown output format \`${globals.format}\``, {
        hint: `Use one of: ${FORMATS.join(", ")}`,
      });
    }
    format = globals.format as OutputFormat;
  }
  const home = resolveHome();
  const config = await loadConfig(home.configFile);
  return {
    printer,
    home,
    config,
    format,
    dryRun: globals.dryRun ?? false,
    yes: globals.yes ?? false,
    environments(flags: SettingsFlags = {}) {
      return {
        home,
        settings: resolveSettings(home, config, flags),
        backendOverride: flags.backend as BackendChoice | undefined,
        creatorVersion: VERSION,
        reporter: createReporter(printer),
      };
    },
  };
}

/**
 * Checks that the asked format is one a command supports, and returns it or the default.
 *
 * @throws {UsageError} When the command does not support it.
 */
export function formatFor(
  ctx: CommandContext,
  allowed: readonly OutputFormat[],
  fallback: OutputFormat,
): OutputFormat {
  const format = ctx.format ?? fallback;
  if (!allowed.includes(format)) {
    throw new UsageError(`This command does not support \`--format ${format}\``, {
      hint: `Use one of: ${allowed.join(", ")}`,
    });
  }
  return format;
}

/**
 * Asks a yes/no question on the terminal. Without a terminal on stdin and stderr it does not ask:
 * it returns `undefined` so the caller can refuse and tell the user to pass `--force`/`--yes`.
 */
export async function confirm(ctx: CommandContext, question: string): Promise<boolean | undefined> {
  if (ctx.yes) return true;
  if (!Deno.stdin.isTerminal() || !Deno.stderr.isTerminal()) return undefined;
  Deno.stderr.writeSync(new TextEncoder().encode(`${question} [y/N] `));
  const buffer = new Uint8Array(1024);
  const n = await Deno.stdin.read(buffer);
  const answer = n === null
    ? ""
    : new TextDecoder().decode(buffer.subarray(0, n)).trim().toLowerCase();
  return answer === "y" || answer === "yes";
}
