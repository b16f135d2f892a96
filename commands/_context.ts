/**
 * Global flags, the context every command runs with, and the wrapper that turns a command body
 * into a stricli function with gestvenv's error reporting and exit codes.
 *
 * @module
 */
import type { StricliProcess } from "npm:@stricli/core@1.3.0";
import {
  type GestvenvConfig,
  isConfigKey,
  loadActiveProfile,
  loadConfig,
  type ProfileLayer,
  readPipIndexSettings,
  type ResolvedSettings,
  resolveSettings,
  unknownKeyError,
} from "../lib/config/mod.ts";
import {
  composeLifecycle,
  type EnvironmentContext,
  type LifecycleListener,
  loadRegistry,
} from "../lib/environments/mod.ts";
import { HookRunner } from "../lib/hooks/mod.ts";
import {
  fanOut,
  type ReporterListener,
  SILENT_REPORTER,
  SpanCollector,
  startSpan,
} from "../lib/events/mod.ts";
import { EXIT_CODE, GestvenvError, OperationError, UsageError } from "../lib/errors/mod.ts";
import { type HomeLayout, resolveHome } from "../lib/paths/mod.ts";
import { cacheDirOf, loadProjectSettings, type ProjectSettings } from "../lib/config/mod.ts";
import { formatBytes, type OutputFormat, Printer, type PrinterLook } from "./_output.ts";
import { logOperation, OperationRecorder } from "./_oplog.ts";
import { createReporter, openLogFile, type ProgressLook } from "./_reporters.ts";
import { commandLine } from "./_command_line.ts";
import { withEnvironmentSuggestions } from "./_target.ts";
import { VERSION } from "./_version.ts";
import { PROCESS_TERMINAL, type Terminal } from "./_terminal.ts";

/** What stricli passes to every command: the streams and the exit code slot. */
export interface CliContext {
  readonly process: StricliProcess;
  /**
   * Where the command writes and who hears its events: the process's streams when undefined
   * (the dashboard passes its own, see `runInProcess` in commands/mod.ts).
   */
  readonly terminal?: Terminal;
}

/** Flags every command accepts (declared once, spread into each command's flags). */
export interface GlobalFlags {
  readonly verbose?: boolean;
  readonly quiet?: boolean;
  readonly format?: OutputFormat;
  readonly json?: boolean;
  readonly color: boolean;
  readonly dryRun?: boolean;
  readonly yes?: boolean;
  readonly wait?: boolean;
  readonly offline?: boolean;
  readonly logFile?: string;
}

/** Stricli parameter specs of {@linkcode GlobalFlags}. */
export const GLOBAL_FLAGS = {
  verbose: {
    kind: "boolean",
    brief: "Show backend output and stack traces",
    optional: true,
    withNegated: false,
  },
  quiet: {
    kind: "boolean",
    brief: "Only print data and errors",
    optional: true,
    withNegated: false,
  },
  format: {
    kind: "enum",
    values: [
      "table",
      "json",
      "yaml",
      "requirements",
      "pylock",
      "markdown",
      "cyclonedx-json",
      "spdx-json",
    ],
    brief: "Output format of listings (yaml: the json document as YAML)",
    optional: true,
  },
  json: { kind: "boolean", brief: "Same as --format json", optional: true, withNegated: false },
  color: {
    kind: "boolean",
    brief: "Colors (off with NO_COLOR or when not a terminal)",
    default: true,
  },
  dryRun: {
    kind: "boolean",
    brief: "Print what would change, change nothing",
    optional: true,
    withNegated: false,
  },
  yes: {
    kind: "boolean",
    brief: "Answer yes to confirmations",
    optional: true,
    withNegated: false,
  },
  wait: {
    kind: "boolean",
    brief: "Wait as long as it takes for an environment another command is changing",
    optional: true,
    withNegated: false,
  },
  offline: {
    kind: "boolean",
    brief: "Never use the network: indexes and files come from the cache",
    optional: true,
    withNegated: false,
  },
  logFile: {
    kind: "parsed",
    parse: String,
    brief: "Append debug lines (steps, backend output, timings, errors) with timestamps to a file",
    placeholder: "file",
    optional: true,
  },
} as const;

/** Short aliases of the global flags. */
export const GLOBAL_ALIASES = { v: "verbose", q: "quiet", n: "dryRun", y: "yes" } as const;

/**
 * Every spelling of the global flags on the command line, mapped to whether it takes a value
 * (for argument normalization). Derived from {@linkcode GLOBAL_FLAGS} and {@linkcode GLOBAL_ALIASES}.
 */
export const GLOBAL_FLAG_NAMES: ReadonlyMap<string, boolean> = (() => {
  const names = new Map<string, boolean>();
  const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  for (const [name, spec] of Object.entries(GLOBAL_FLAGS)) {
    names.set(`--${kebab(name)}`, spec.kind !== "boolean");
    if (spec.kind === "boolean" && !("withNegated" in spec)) {
      names.set(`--no-${kebab(name)}`, false);
    }
  }
  for (const [alias, name] of Object.entries(GLOBAL_ALIASES)) {
    names.set(`-${alias}`, names.get(`--${kebab(name)}`)!);
  }
  return names;
})();

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
  /** Aborted with reason `"SIGINT"`/`"SIGTERM"` when the user interrupts an interruptible command. */
  signal: AbortSignal | undefined;
  /**
   * The command's settings, resolved once from its flags (`--python`, `--backend`,
   * `--index-url`, `--wait`), `GESTVENV_*`, the configuration file, pip's index configuration
   * and defaults, each value with its source.
   */
  settings: ResolvedSettings;
  /**
   * The project around the current directory (`.gestvenv.toml`, `[tool.gestvenv]` of
   * pyproject.toml), read once; undefined when there is none.
   */
  project: ProjectSettings | undefined;
  /**
   * Context for lib/environments and lib/packages operations, with {@linkcode settings}. With
   * `use_cache = false` (or `cache.enabled = false`) its cache is a throw-away directory, removed
   * by {@linkcode release}.
   */
  environments(): EnvironmentContext;
  /** Removes what the command made for itself only (the throw-away cache). Never throws. */
  release(): Promise<void>;
  /**
   * What this command changed, for the operation log (`<home>/logs/operations.jsonl`), written by
   * {@linkcode action} when a `changes` command ends (not under `--dry-run`).
   */
  oplog: OperationRecorder;
  /**
   * The hooks (issue 12 §4): their listener is on {@linkcode environments}' lifecycle; `post-*`
   * hooks wait for {@linkcode action} to flush them when the command's work is done.
   */
  hooks: HookRunner;
}

/**
 * The flags that are settings (see `SettingsFlags` in lib/config): a command that declares a
 * flag of one of these names has it applied to the settings, and passes it nowhere else.
 */
export interface SettingFlagValues {
  readonly python?: string;
  readonly backend?: string;
  readonly indexUrl?: string;
  readonly linkMode?: string;
  readonly compile?: boolean;
}

/**
 * The look of the last context built in this process (`ui.*`, `general.emoji_support`), so that
 * an error printed after it looks the same.
 */
let currentLook: PrinterLook = {};

function printerFor(
  flags: GlobalFlags,
  look: PrinterLook = currentLook,
  terminal: Terminal = PROCESS_TERMINAL,
): Printer {
  return new Printer({
    terminal,
    color: flags.color ? undefined : false,
    quiet: flags.quiet ?? false,
    verbose: flags.verbose ?? false,
    structured: flags.format === "yaml" && !flags.json ? "yaml" : "json",
    ...look,
  });
}

/**
 * The printer's and the spinner's look from the settings; the defaults when the settings cannot
 * be resolved (the command reports that itself when it needs them).
 */
function looksOf(settings: () => ResolvedSettings): [PrinterLook, ProgressLook] {
  try {
    const s = settings();
    return [
      {
        colorScheme: s.colorScheme.value,
        emoji: s.emoji.value,
        tableFormat: s.tableFormat.value,
      },
      {
        style: s.showProgress.value ? s.progressStyle.value : "none",
        emoji: s.emoji.value,
      },
    ];
  } catch {
    return [{}, {}];
  }
}

/**
 * Builds the context from the command's flags: loads the configuration file and resolves the
 * settings once. `projectWarnings` false: the project's warnings were printed already (the
 * context is rebuilt after the home migration).
 */
export async function buildContext(
  flags: GlobalFlags & SettingFlagValues,
  signal?: AbortSignal,
  oplog: OperationRecorder = new OperationRecorder(),
  listeners: readonly ReporterListener[] = [],
  projectWarnings = true,
  terminal: Terminal = PROCESS_TERMINAL,
): Promise<CommandContext> {
  const resolvedHome = resolveHome();
  const config = await loadConfig(resolvedHome.configFile);
  // The active profile (`profile activate`): a broken one fails the commands that need settings,
  // not `profile activate none`, which repairs it.
  let profile: ProfileLayer | undefined;
  let profileProblem: unknown;
  try {
    profile = await loadActiveProfile(resolvedHome, config);
  } catch (error) {
    profileProblem = error;
  }
  // `cache_path` moves the cache unless `GESTVENV_CACHE_DIR` already did.
  const home = { ...resolvedHome, cacheDir: cacheDirOf(resolvedHome, config).value };
  // pip's index configuration is the `pip` source of the index settings, the project's
  // `.gestvenv.toml` and `[tool.gestvenv]` the `project` source.
  const pip = await readPipIndexSettings();
  const project = await loadProjectSettings();
  // Resolved once, on first use: a command that needs no settings is not stopped by a bad
  // `GESTVENV_*` value.
  let settings: ResolvedSettings | undefined;
  const resolved = () => {
    if (profileProblem !== undefined) throw profileProblem;
    return settings ??= resolveSettings(home, config, {
      flags: {
        python: flags.python,
        backend: flags.backend,
        indexUrl: flags.indexUrl,
        wait: flags.wait ?? false,
        linkMode: flags.linkMode,
        compile: flags.compile,
        offline: flags.offline,
      },
      pip,
      project: project?.config,
      projectOrigins: project?.origins,
      profile,
    });
  };
  const [look, progressLook] = looksOf(resolved);
  currentLook = look;
  const printer = printerFor(flags, look, terminal);
  await printer.ready();
  if (projectWarnings) {
    for (const warning of project?.warnings ?? []) printer.warn(warning);
    // config.toml's unknown keys are kept (a newer gestvenv may know them) but never silent.
    for (const key of Object.keys(config)) {
      if (!isConfigKey(key)) {
        printer.warn(`${unknownKeyError(key, ` in ${resolvedHome.configFile}`).message} (ignored)`);
      }
    }
  }
  // One reporter: the spinner, plus whoever listens (the operation log, `--log-file`, `profile`).
  const reporter = fanOut(createReporter(printer, progressLook), listeners);
  // `use_cache = false`: operations get a cache of their own, removed when the command ends.
  let throwaway: string | undefined;
  const operationsHome = (): HomeLayout => {
    if (resolved().useCache.value) return home;
    throwaway ??= Deno.makeTempDirSync({ prefix: "gestvenv-nocache-" });
    return { ...home, cacheDir: throwaway };
  };
  const hooks = new HookRunner({
    homeRoot: home.root,
    configFile: home.configFile,
    settings: resolved,
    project,
    record: async (name) => (await loadRegistry(context.environments())).environments.get(name),
    output: (hook, line) =>
      terminal.stderr(`${terminal.stderrIsTerminal ? "" : `[${hook.id}] `}${line}\n`),
    notice: (message) => printer.info(message),
    warn: (message) => reporter.warn(message),
    signal,
    deferPost: true,
  });
  const context: CommandContext = {
    printer,
    home,
    config,
    format: flags.json ? "json" : flags.format,
    dryRun: flags.dryRun ?? false,
    yes: flags.yes ?? false,
    signal,
    get settings() {
      return resolved();
    },
    project,
    oplog,
    hooks,
    environments() {
      const context: EnvironmentContext = {
        home: operationsHome(),
        settings: resolved(),
        creatorVersion: VERSION,
        reporter,
        command: commandLine(terminal.args),
        signal,
        dryRun: flags.dryRun ?? false,
      };
      // Issue 12 §3 then §4: policies and strict mode judge each install before it changes
      // anything; hooks run once the policies let it through.
      context.lifecycle = composeLifecycle(policyGate(context, project), hooks.listener);
      // Dry runs: the plan is judged by policies and strict mode, never by hooks.
      context.judgePlan = policyGate(context, project);
      return context;
    },
    async release() {
      if (throwaway === undefined) return;
      await Deno.remove(throwaway, { recursive: true }).catch(() => {});
    },
  };
  return context;
}

/**
 * The policy listener (lib/policy and lib/audit, loaded on the first event): the policies of the
 * project around the current directory apply too; `[vulnerabilities]` rules and strict mode audit
 * the plan through lib/audit (issue 12 §3).
 */
function policyGate(
  context: EnvironmentContext,
  project: ProjectSettings | undefined,
): LifecycleListener {
  return async (event) => {
    const { policyListener } = await import("../lib/policy/mod.ts");
    const { auditFunctionFor } = await import("../lib/audit/mod.ts");
    await policyListener(context, {
      projectDirs: project === undefined ? [] : [project.root],
      audit: auditFunctionFor(context),
    })(event);
  };
}

/**
 * Turns SIGINT (Ctrl-C) and SIGTERM into an abort of `controller` with the signal's name as the
 * reason, so the running operation stops at its next step and rolls back; a second signal stops
 * the process at once. Returns the function that removes the listeners.
 */
function listenForInterrupts(
  controller: AbortController,
  printer: Printer,
  cancel?: AbortSignal,
): () => void {
  // The caller's own stop (the dashboard's cancel) aborts like a Ctrl-C.
  const onCancel = () => {
    if (!controller.signal.aborted) controller.abort("SIGINT");
  };
  if (cancel?.aborted) onCancel();
  cancel?.addEventListener("abort", onCancel, { once: true });
  // A caller that cancels through `cancel` (the dashboard) owns the process's signals: a command
  // it runs installs no signal listener (its Ctrl-C would land in the job's captured output, and
  // its second one would be absorbed by the server's own listener).
  if (cancel !== undefined) return () => cancel.removeEventListener("abort", onCancel);
  const signals: Array<"SIGINT" | "SIGTERM"> = Deno.build.os === "windows"
    ? ["SIGINT"]
    : ["SIGINT", "SIGTERM"];
  const handlers = signals.map((signal) => {
    const handler = () => {
      if (!controller.signal.aborted) {
        controller.abort(signal);
        printer.warn("Stopping after the current step (interrupt again to stop at once)");
        return;
      }
      remove();
      Deno.kill(Deno.pid, signal);
    };
    Deno.addSignalListener(signal, handler);
    return [signal, handler] as const;
  });
  const remove = () => {
    for (const [signal, handler] of handlers) {
      try {
        Deno.removeSignalListener(signal, handler);
      } catch { /* already removed */ }
    }
  };
  return remove;
}

/** Listeners that receive the events of every command run in this process (`profile`). */
const commandListeners: ReporterListener[] = [];

/**
 * Runs `fn` with `listener` receiving the events (spans, counters, steps) of every command that
 * runs in this process meanwhile: `profile` runs the command it measures in-process.
 */
export async function withCommandListener<T>(
  listener: ReporterListener,
  fn: () => Promise<T>,
): Promise<T> {
  commandListeners.push(listener);
  try {
    return await fn();
  } finally {
    commandListeners.splice(commandListeners.indexOf(listener), 1);
  }
}

/**
 * Wraps a command body: builds the context, runs the body, and turns its result or error into the
 * exit code (spec 001 codes; 1 for anything unexpected). Errors are printed as `error:` + `hint:`
 * on stderr, plus a JSON envelope on stdout when JSON output was asked for. Stack traces only
 * with `--verbose`.
 */
export function action<F extends GlobalFlags, A extends readonly unknown[]>(
  command: string,
  body: (ctx: CommandContext, flags: F, ...args: A) => Promise<number | void>,
  options: ActionOptions<F>,
): (this: CliContext, flags: F, ...args: A) => Promise<void> {
  return async function (this: CliContext, flags: F, ...args: A): Promise<void> {
    const terminal = this.terminal ?? PROCESS_TERMINAL;
    const effect = typeof options.effect === "function" ? options.effect(flags) : options.effect;
    const controller = effect === "changes" ? new AbortController() : undefined;
    const started = Date.now();
    const startedClock = performance.now();
    const recorder = new OperationRecorder();
    // The operation log's figures (cache, bytes, phases) of a command that changes something.
    const logged = effect === "changes" && !flags.dryRun;
    const spans = logged ? new SpanCollector() : undefined;
    const listeners: ReporterListener[] = [...commandListeners, ...terminal.listeners ?? []];
    if (spans !== undefined) listeners.push(spans);
    let home: HomeLayout | undefined;
    let failure: unknown;
    const stopListening = controller === undefined
      ? undefined
      : listenForInterrupts(controller, printerFor(flags, currentLook, terminal), terminal.signal);
    let logFile: Awaited<ReturnType<typeof openLogFile>> | undefined;
    let timedOut = false;
    try {
      if (flags.logFile !== undefined) {
        logFile = await openLogFile(flags.logFile, commandLine(terminal.args));
        listeners.push(logFile.listener);
        // A command run in this process meanwhile (the one `profile` measures) logs here too.
        commandListeners.push(logFile.listener);
      }
      if (flags.dryRun && effect === "runs") {
        throw new UsageError(
          `\`gestvenv ${command}\` runs a program; --dry-run cannot say what it would do`,
          { hint: `Drop --dry-run to run it` },
        );
      }
      const endStartup = startSpan(fanOut(SILENT_REPORTER, listeners), "startup");
      let ctx = await buildContext(
        flags,
        controller?.signal,
        recorder,
        listeners,
        true,
        terminal,
      );
      endStartup();
      home = ctx.home;
      if (await migrateOlderHome(ctx)) {
        // The settings just carried into config.toml apply to this command too.
        await ctx.release();
        ctx = await buildContext(flags, controller?.signal, recorder, listeners, false, terminal);
        home = ctx.home;
      }
      const stopTimer = operationTimer(ctx, effect, controller, command, () => timedOut = true);
      try {
        this.process.exitCode = (await stopTimer.race(body(ctx, flags, ...args))) ??
          EXIT_CODE.OK;
        if (effect === "changes" && !command.startsWith("cache ")) {
          await autoCleanupCache(ctx);
        }
      } finally {
        stopTimer.stop();
        // post-* hooks run once the work is done and its locks released (issue 12 §4).
        await ctx.hooks.flush();
        await ctx.release();
      }
      // A failed post-* hook's exit code becomes the command's (the operation stands).
      if (this.process.exitCode === EXIT_CODE.OK) {
        this.process.exitCode = ctx.hooks.exitCode() ?? EXIT_CODE.OK;
      }
    } catch (caught) {
      const error = timedOut && !(caught instanceof OperationError && caught.code === "timeout")
        ? timeoutError(command, caught)
        : await withEnvironmentSuggestions(caught);
      failure = error;
      const printer = printerFor(flags, currentLook, terminal);
      await printer.ready();
      if (
        (flags.json || flags.format === "json" || flags.format === "yaml") &&
        error instanceof GestvenvError
      ) {
        printer.json(command, null, "error", [{
          code: error.code,
          message: error.message,
          hint: error.hint ?? null,
        }]);
      }
      printer.error(error);
      this.process.exitCode = error instanceof GestvenvError ? error.exitCode : EXIT_CODE.GENERAL;
    } finally {
      stopListening?.();
      if (logFile !== undefined) {
        commandListeners.splice(commandListeners.indexOf(logFile.listener), 1);
      }
    }
    if (logFile !== undefined) {
      logFile.close(Number(this.process.exitCode ?? 0), failure, performance.now() - startedClock);
    }
    if (logged) {
      try {
        home ??= resolveHome();
      } catch {
        return; // No home to log into (no HOME, no GESTVENV_HOME).
      }
      // A command that failed before it said which environment it worked on: its `--env`.
      const envFlag = (flags as { env?: unknown }).env;
      if (recorder.empty && typeof envFlag === "string") recorder.environment(envFlag);
      const entry = recorder.entry(
        command,
        commandLine(terminal.args),
        started,
        Number(this.process.exitCode ?? 0),
        failure,
        spans?.summary(startedClock, performance.now()),
      );
      await logOperation(home, entry, printerFor(flags, currentLook, terminal));
    }
  };
}

/**
 * The automatic migration of a Python gestvenv 2.x home (`config.json`, no `environments.json`):
 * on the first command that reads such a home, before the command runs (`migrateHome` in
 * lib/migrate: backed up, under the registry lock, logged). One `lstat` of the registry
 * (two in a new home); lib/migrate is only loaded when there is something to migrate. A dry run
 * only says it would migrate.
 *
 * @returns True when it migrated (`config.toml` may have changed: the caller rebuilds the
 *   context, so the command runs with the carried settings).
 */
async function migrateOlderHome(ctx: CommandContext): Promise<boolean> {
  try {
    await Deno.lstat(ctx.home.registryFile);
    return false;
  } catch { /* no registry: a new home, or an older one */ }
  const older = await Deno.lstat(`${ctx.home.root}/config.json`).then((s) => s.isFile, () => false);
  if (!older) return false;
  if (ctx.dryRun) {
    ctx.printer.warn(
      `${ctx.home.root} is a Python gestvenv 2.x home; it will be migrated by the next command ` +
        "run without --dry-run",
    );
    return false;
  }
  const { migrateHome } = await import("../lib/migrate/mod.ts");
  const result = await migrateHome(ctx.environments());
  if (!result.migrated) return false;
  ctx.printer.info(
    `Migrated the Python gestvenv home ${ctx.home.root}: ${result.registered.length} ` +
      `environment(s) registered${
        result.registered.length > 0 ? ` (${result.registered.join(", ")})` : ""
      }; the old files are kept, and backed up in ${result.backup}`,
  );
  for (const s of result.skipped) {
    ctx.printer.warn(`\`${s.name}\` (${s.path}) was not migrated: ${s.reason}`);
  }
  if (result.configProblem !== null) {
    ctx.printer.warn(
      `${ctx.home.root}/config.json could not be used: ${result.configProblem}. No setting of ` +
        `it was carried, and only ${ctx.home.root}/environments was looked at; set what you need ` +
        "with `gestvenv config set KEY VALUE`, and adopt environments kept elsewhere with " +
        "`gestvenv migrate --adopt PATH --in-place`",
    );
  }
  if (result.config !== null && result.config.notCarried.length > 0) {
    ctx.printer.warn(
      `Settings of config.json with no meaning in gestvenv, not carried: ${
        result.config.notCarried.join(", ")
      }`,
    );
  }
  return true;
}

/**
 * `cache.auto_cleanup`: after a command that changed something (not the `cache` commands, which
 * manage the cache themselves), the cache is brought back within `cache.max_size` and
 * `cache.max_age`, bounded in time, keeping what environments use (`autoCleanupAfterOperation`).
 * Costs nothing when the setting is off.
 */
async function autoCleanupCache(ctx: CommandContext): Promise<void> {
  let on: boolean;
  try {
    on = !ctx.dryRun && ctx.settings.cacheAutoCleanup.value;
  } catch {
    return; // A command that never needed its settings is not failed by them now.
  }
  if (!on) return;
  const { autoCleanupAfterOperation } = await import("../lib/packages/mod.ts");
  const report = await autoCleanupAfterOperation(ctx.environments());
  if (report !== undefined && report.entries.length > 0) {
    ctx.printer.info(
      `Cache auto-cleanup: ${report.entries.length} entries, ${formatBytes(report.bytes)} freed` +
        (report.complete ? "" : " (stopped at its time limit; `gestvenv cache clean` finishes)"),
    );
  }
}

/** The error of a command stopped by `operation_timeout` (exit 1). */
function timeoutError(command: string, cause?: unknown): OperationError {
  return new OperationError(
    `\`gestvenv ${command}\` was stopped: it ran longer than \`operation_timeout\``,
    "timeout",
    {
      cause,
      hint: "What it had started was rolled back. Raise the limit (`gestvenv config set " +
        "operation_timeout SECONDS`, `GESTVENV_OPERATION_TIMEOUT`) or unset it",
    },
  );
}

/**
 * `operation_timeout`: after that many seconds a command that changes something is aborted
 * through its Ctrl-C signal (the library rolls back at its next step, then the command fails
 * with exit 1); one that only reads is abandoned. Commands that run a program the user names
 * (`run`, `shell`) have no limit. `race` returns the body's outcome, or the timeout's error for a
 * reading command.
 */
function operationTimer(
  ctx: CommandContext,
  effect: Effect,
  controller: AbortController | undefined,
  command: string,
  fired: () => void,
): { race<T>(body: Promise<T>): Promise<T>; stop(): void } {
  let ms: number | undefined;
  try {
    ms = effect === "runs" ? undefined : ctx.settings.operationTimeoutMs.value;
  } catch {
    ms = undefined; // The command reports bad settings itself when it needs them.
  }
  if (ms === undefined) return { race: (body) => body, stop() {} };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      fired();
      const error = timeoutError(command);
      if (controller !== undefined) controller.abort(error);
      else reject(error);
    }, ms);
  });
  expired.catch(() => {});
  return {
    race: (body) => controller !== undefined ? body : Promise.race([body, expired]),
    stop: () => clearTimeout(timer),
  };
}

/** What a command does to the machine (see {@linkcode ActionOptions}). */
export type Effect = "reads" | "changes" | "runs";

/** Options of {@linkcode action}; `F` is the command's flags. */
export interface ActionOptions<F = GlobalFlags> {
  /**
   * What the command does to the machine; every command declares it, and this one declaration
   * decides how `--dry-run` and Ctrl-C apply:
   * - `reads`: it changes nothing (list, info, …); `--dry-run` is trivially honoured; Ctrl-C stops
   *   it at once.
   * - `changes`: it changes environments or files. Under `--dry-run` it must print its plan, and
   *   every changing step of the library refuses to run (`assertMayChange`), so forgetting the dry
   *   run fails loudly instead of changing anything. Ctrl-C (SIGINT) or SIGTERM aborts
   *   `ctx.signal`: the operation rolls back at its next step and exits 130 or 143.
   * - `runs`: it runs a program the user names (`run`, `shell`), which gestvenv cannot describe:
   *   `--dry-run` is refused (exit 2); signals go to that program.
   *
   * A function decides from the flags, for a command that only reads unless told to change
   * (`repair --list` and `doctor` without `--fix` read, so they are not in the operation log).
   */
  effect: Effect | ((flags: F) => Effect);
}

/**
 * Checks that the asked format is one a command supports, and returns it or the default. `yaml`
 * is allowed wherever `json` is and returns `json`: the command builds the same envelope and
 * the printer writes it as YAML.
 *
 * @throws {UsageError} When the command does not support it.
 */
export function formatFor(
  ctx: CommandContext,
  allowed: readonly OutputFormat[],
  fallback: OutputFormat,
): OutputFormat {
  const format = ctx.format ?? fallback;
  const json = allowed.includes("json");
  if (format === "yaml" && json) return "json";
  if (!allowed.includes(format)) {
    const choices = json ? [...allowed, "yaml"] : allowed;
    throw new UsageError(`This command does not support \`--format ${format}\``, {
      hint: `Use one of: ${choices.join(", ")}`,
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
  if (!ctx.printer.terminal.interactive) return undefined;
  Deno.stderr.writeSync(new TextEncoder().encode(`${question} [y/N] `));
  const buffer = new Uint8Array(1024);
  const n = await Deno.stdin.read(buffer);
  const answer = n === null
    ? ""
    : new TextDecoder().decode(buffer.subarray(0, n)).trim().toLowerCase();
  return answer === "y" || answer === "yes";
}
