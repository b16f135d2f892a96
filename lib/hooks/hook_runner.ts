/**
 * Hooks subscribed to the lifecycle events (issue 12 §4): the listener a front end puts on the
 * `EnvironmentContext` (the same stream policies and the operation log see), which runs every
 * matching hook — global, then project (when trusted), then the environment's own.
 *
 * @module
 */
import type { ProjectSettings, ResolvedSettings } from "../config/mod.ts";
import type { EnvironmentRecord, LifecycleEvent, LifecycleListener } from "../environments/mod.ts";
import { OperationError } from "../errors/mod.ts";
import { type HookDefinition, type HookEventName, isPreEvent } from "./hook_definition.ts";
import { environmentHooks, globalHooks, projectHooks } from "./hook_store.ts";
import { type HookInvocation, type HookOutcome, runHook } from "./run_hook.ts";
import { isTrusted, projectHooksDigest, readTrustStore, trustRoot } from "./trust_store.ts";

/** A `post-*` hook that failed: the operation stands, the command's exit code becomes `code`. */
export interface HookFailure {
  /** The hook. */
  hook: HookDefinition;
  /** Its exit code (1 after a timeout). */
  code: number;
  /** Whether it was stopped at its timeout. */
  timedOut: boolean;
}

/** What a {@linkcode HookRunner} needs. */
export interface HookRunnerOptions {
  /** The gestvenv home's root (`trust.json` is there). */
  homeRoot: string;
  /** The user's configuration file (where global hooks are kept), for messages. */
  configFile: string;
  /** The command's settings: global hooks and `hooks.timeout`. */
  settings: () => ResolvedSettings;
  /** The project around the current directory, if any (its hooks run once trusted). */
  project: ProjectSettings | undefined;
  /** The registered record of an environment, or undefined (not registered yet, or gone). */
  record: (name: string) => Promise<EnvironmentRecord | undefined>;
  /** Receives each line a hook prints. */
  output: (hook: HookDefinition, line: string) => void;
  /** Receives what people should know (a hook starts, fails, is skipped). */
  notice: (message: string) => void;
  /** Receives warnings (a failed `post-*` hook, untrusted project hooks). */
  warn: (message: string) => void;
  /** Stops a running hook when aborted (Ctrl-C). */
  signal?: AbortSignal | undefined;
  /**
   * Keep `post-*` hooks until {@linkcode HookRunner.flush} (the CLI flushes when the command's
   * work is done and its locks are released, so a post hook may call gestvenv on the same
   * environment). @default false
   */
  deferPost?: boolean;
}

/** Whether a directory exists. */
async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isDirectory;
  } catch {
    return false;
  }
}

/**
 * Runs the hooks of each lifecycle event it hears. A failing `pre-*` hook throws an
 * `OperationError` (`hook_failed`, exit 1), which refuses the operation before anything changes;
 * a failing `post-*` hook is warned about and kept in {@linkcode failures}.
 */
export class HookRunner {
  readonly #options: HookRunnerOptions;
  readonly #deferred: Array<() => Promise<void>> = [];
  readonly #failures: HookFailure[] = [];
  #untrustedWarned = false;
  #project: Promise<HookDefinition[]> | undefined;

  /** A runner with `options`. */
  constructor(options: HookRunnerOptions) {
    this.#options = options;
  }

  /** The lifecycle listener: runs the hooks of each event (deferring `post-*` if asked). */
  readonly listener: LifecycleListener = async (event: LifecycleEvent) => {
    const invocation: HookInvocation = {
      event: event.event,
      environment: event.environment,
      path: event.path,
      changes: event.changes,
    };
    if (!isPreEvent(event.event) && this.#options.deferPost) {
      // By the time a deferred hook runs, the environment may have moved: a create builds in a
      // staging directory, renamed to the environment's path at the end. The hook gets the
      // registered record's path as of when it runs.
      this.#deferred.push(async () => {
        const record = await this.#options.record(invocation.environment);
        await this.run(record === undefined ? invocation : { ...invocation, path: record.path });
      });
      return;
    }
    await this.run(invocation);
  };

  /** The `post-*` hooks that failed so far. */
  get failures(): readonly HookFailure[] {
    return this.#failures;
  }

  /**
   * The exit code the command should end with because of failed `post-*` hooks: the first
   * failure's, or undefined when none failed.
   */
  exitCode(): number | undefined {
    return this.#failures[0]?.code;
  }

  /** Runs the deferred `post-*` hooks, in the order their events came. */
  async flush(): Promise<void> {
    while (this.#deferred.length > 0) {
      if (this.#options.signal?.aborted) {
        this.#options.warn(
          `${this.#deferred.length} post hook run(s) skipped: the command was interrupted`,
        );
        this.#deferred.length = 0;
        return;
      }
      await this.#deferred.shift()!();
    }
  }

  /** The hooks that apply to `invocation`: global, then the trusted project's, then its own. */
  async hooksFor(invocation: HookInvocation): Promise<HookDefinition[]> {
    const o = this.#options;
    const all = [
      ...await globalHooks(o.settings(), o.configFile),
      ...await this.#trustedProjectHooks(),
    ];
    const record = await o.record(invocation.environment);
    if (record !== undefined) all.push(...await environmentHooks(record));
    return all.filter((h) => h.event === invocation.event);
  }

  /** The project's hooks when it is trusted with these definitions; else none (warned once). */
  #trustedProjectHooks(): Promise<HookDefinition[]> {
    const project = this.#options.project;
    if (project === undefined) return Promise.resolve([]);
    return this.#project ??= (async () => {
      const hooks = await projectHooks(project);
      if (hooks.length === 0) return [];
      const store = await readTrustStore(this.#options.homeRoot);
      if (await isTrusted(store, project.root, await projectHooksDigest(hooks))) return hooks;
      if (!this.#untrustedWarned) {
        this.#untrustedWarned = true;
        const changed = store.has(await trustRoot(project.root))
          ? " (they changed since it was trusted)"
          : "";
        this.#options.warn(
          `The project ${project.root} defines hooks that are not trusted${changed}; they were ` +
            `skipped. Read them (\`gestvenv hook list\`), then run \`gestvenv hook trust ${project.root}\``,
        );
      }
      return [];
    })();
  }

  /**
   * Runs every hook of `invocation` in order (after the deferred `post-*` hooks, which belong to
   * earlier events).
   *
   * @throws {OperationError} `hook_failed` (exit 1) when a `pre-*` hook fails or times out; the
   *   hooks after it do not run.
   */
  async run(invocation: HookInvocation): Promise<void> {
    if (isPreEvent(invocation.event)) await this.flush();
    for (const hook of await this.hooksFor(invocation)) {
      const outcome = await this.#runOne(hook, invocation);
      if (outcome.code === 0) continue;
      const what = `The ${hook.event} hook ${describe(hook)} of \`${invocation.environment}\` ${
        outcome.timedOut
          ? `timed out after ${this.#timeoutMs(hook) / 1000} s and was stopped`
          : `failed (exit ${outcome.code})`
      }`;
      if (isPreEvent(hook.event)) {
        const outcomeText = hook.event === "pre-run"
          ? "the program was not started"
          : "nothing was changed";
        throw new OperationError(`${what}; ${outcomeText}`, "hook_failed", {
          hint: `Fix the hook, or remove it: \`gestvenv hook remove ${hook.id}\``,
        });
      }
      this.#failures.push({ hook, code: outcome.code, timedOut: outcome.timedOut });
      this.#options.warn(`${what}; the ${verbOf(hook.event)} itself is complete`);
    }
  }

  #timeoutMs(hook: HookDefinition): number {
    return hook.timeoutSeconds === null
      ? this.#options.settings().hookTimeoutMs.value
      : Math.round(hook.timeoutSeconds * 1000);
  }

  async #runOne(hook: HookDefinition, invocation: HookInvocation): Promise<HookOutcome> {
    const o = this.#options;
    const cwd = hook.scope === "project"
      ? hook.owner
      : invocation.cwd !== undefined
      ? invocation.cwd
      : await isDirectory(invocation.path)
      ? invocation.path
      : Deno.cwd();
    o.notice(`Running the ${hook.event} hook ${describe(hook)}`);
    return await runHook(hook, invocation, {
      timeoutMs: this.#timeoutMs(hook),
      cwd,
      onOutput: (line) => o.output(hook, line),
      signal: o.signal,
    });
  }
}

/** `g1a2b3c (setup: ./setup.sh)` */
function describe(hook: HookDefinition): string {
  return `${hook.id} (${hook.name === null ? "" : `${hook.name}: `}${hook.command})`;
}

/** What the operation of a `post-*` event is called, for messages. */
function verbOf(event: HookEventName): string {
  switch (event) {
    case "post-create":
      return "creation";
    case "post-install":
      return "install";
    case "post-sync":
      return "sync";
    case "post-activate":
      return "activation";
    default:
      return "operation";
  }
}
