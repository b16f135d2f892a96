/**
 * Running one hook: the user's shell (`sh -c`, `cmd /d /s /c` on Windows) in its own process
 * group, with the environment's variables, its output passed on line by line, stopped at its
 * timeout (the whole process group, so what it started goes too).
 *
 * @module
 */
import type { DistributionChange } from "../environments/mod.ts";
import { join } from "../paths/mod.ts";
import { BIN_NAME } from "../virtualenv/mod.ts";
import type { HookDefinition, HookEventName } from "./hook_definition.ts";

/** What a hook runs for. */
export interface HookInvocation {
  /** The event. */
  event: HookEventName;
  /** The environment's name. */
  environment: string;
  /** The environment's root (for `pre-create`, where it will be). */
  path: string;
  /** For install and sync events: the distributions that change. */
  changes?: DistributionChange[] | undefined;
  /**
   * Where global and environment hooks run: by default the environment's directory (the current
   * directory while it does not exist); `pre-run` gives the program's working directory.
   */
  cwd?: string | undefined;
}

/** Options of {@linkcode runHook}. */
export interface RunHookOptions {
  /** How long it may run, in ms. */
  timeoutMs: number;
  /** Its working directory. */
  cwd: string;
  /** Receives each line it prints (stdout and stderr), without the newline. */
  onOutput: (line: string) => void;
  /** Stops it (its process group) when aborted. */
  signal?: AbortSignal | undefined;
}

/** How a hook ended. */
export interface HookOutcome {
  /** Its exit code; 128 + n when signal n ended it; 1 after a timeout. */
  code: number;
  /** Whether it was stopped at its timeout. */
  timedOut: boolean;
  /** How long it ran, in ms. */
  durationMs: number;
}

/**
 * The variables a hook runs with: gestvenv's own environment without `PYTHONHOME`, plus
 * `GESTVENV_EVENT`, `GESTVENV_ENV`, `GESTVENV_ENV_PATH`, `GESTVENV_HOOK_ID`, `VIRTUAL_ENV` and
 * `PATH` with the environment's scripts directory first; `changesFile` as `GESTVENV_CHANGES`.
 */
export function hookEnvironment(
  hook: HookDefinition,
  invocation: HookInvocation,
  changesFile: string | undefined,
): Record<string, string> {
  const env = Deno.env.toObject();
  delete env.PYTHONHOME;
  const sep = Deno.build.os === "windows" ? ";" : ":";
  const pathKey = Object.keys(env).find((k) => k.toUpperCase() === "PATH") ?? "PATH";
  env[pathKey] = `${join(invocation.path, BIN_NAME)}${sep}${env[pathKey] ?? ""}`;
  env.VIRTUAL_ENV = invocation.path;
  env.GESTVENV_EVENT = invocation.event;
  env.GESTVENV_ENV = invocation.environment;
  env.GESTVENV_ENV_PATH = invocation.path;
  env.GESTVENV_HOOK_ID = hook.id;
  if (changesFile !== undefined) env.GESTVENV_CHANGES = changesFile;
  else delete env.GESTVENV_CHANGES;
  return env;
}

/** Passes each complete line of `stream` to `onLine` (a last unterminated line too). */
async function readLines(
  stream: ReadableStream<Uint8Array>,
  onLine: (line: string) => void,
): Promise<void> {
  const decoder = new TextDecoder();
  let pending = "";
  for await (const chunk of stream) {
    pending += decoder.decode(chunk, { stream: true });
    let newline: number;
    while ((newline = pending.indexOf("\n")) >= 0) {
      onLine(pending.slice(0, newline).replace(/\r$/, ""));
      pending = pending.slice(newline + 1);
    }
  }
  pending += decoder.decode();
  if (pending !== "") onLine(pending);
}

const SIGNAL_NUMBERS: Partial<Record<Deno.Signal, number>> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGKILL: 9,
  SIGTERM: 15,
};

/**
 * Runs `hook` for `invocation` and waits for it. For install and sync events the changes are
 * written to a temp JSON file (`[{"name", "before", "after"}]`) named by `GESTVENV_CHANGES`,
 * removed afterwards. On POSIX the hook is the leader of a new process group (session); at its
 * timeout, or when `signal` aborts, the group gets SIGTERM, then SIGKILL 2 s later.
 *
 * @throws {Deno.errors.NotFound} When the shell itself cannot be found.
 */
export async function runHook(
  hook: HookDefinition,
  invocation: HookInvocation,
  options: RunHookOptions,
): Promise<HookOutcome> {
  let changesFile: string | undefined;
  if (invocation.changes !== undefined) {
    changesFile = await Deno.makeTempFile({ prefix: "gestvenv-changes-", suffix: ".json" });
    const rows = invocation.changes.map((c) => ({
      name: c.name,
      before: c.before,
      after: c.after,
    }));
    await Deno.writeTextFile(changesFile, JSON.stringify(rows, null, 2) + "\n");
  }
  const windows = Deno.build.os === "windows";
  const started = performance.now();
  try {
    const child = new Deno.Command(windows ? "cmd" : "sh", {
      args: windows ? ["/d", "/s", "/c", hook.command] : ["-c", hook.command],
      cwd: options.cwd,
      env: hookEnvironment(hook, invocation, changesFile),
      clearEnv: true,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      // Its own process group: a timeout stops everything it started.
      detached: !windows,
    }).spawn();
    let timedOut = false;
    let killTimer: ReturnType<typeof setTimeout> | undefined;
    const stop = () => {
      const send = (signal: Deno.Signal) => {
        try {
          if (windows) child.kill(signal);
          else Deno.kill(-child.pid, signal);
        } catch { /* already gone */ }
      };
      send("SIGTERM");
      killTimer ??= setTimeout(() => send("SIGKILL"), 2_000);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, options.timeoutMs);
    const onAbort = () => stop();
    options.signal?.addEventListener("abort", onAbort);
    try {
      const [status] = await Promise.all([
        child.status,
        readLines(child.stdout, options.onOutput),
        readLines(child.stderr, options.onOutput),
      ]);
      const code = timedOut
        ? 1
        : status.signal !== null
        ? 128 + (SIGNAL_NUMBERS[status.signal] ?? 0)
        : status.code;
      return { code, timedOut, durationMs: performance.now() - started };
    } finally {
      clearTimeout(timer);
      if (killTimer !== undefined) clearTimeout(killTimer);
      options.signal?.removeEventListener("abort", onAbort);
    }
  } finally {
    if (changesFile !== undefined) await Deno.remove(changesFile).catch(() => {});
  }
}
