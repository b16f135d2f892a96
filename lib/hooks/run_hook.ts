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

/** A stream being read line by line: `done` settles at its end or once `cancel` was called. */
interface LineReader {
  done: Promise<void>;
  cancel(): void;
}

/** Passes each complete line of `stream` to `onLine` (a last unterminated line too). */
function readLines(stream: ReadableStream<Uint8Array>, onLine: (line: string) => void): LineReader {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let pending = "";
  const done = (async () => {
    try {
      while (true) {
        const { value, done } = await reader.read();
        if (done) break;
        pending += decoder.decode(value, { stream: true });
        let newline: number;
        while ((newline = pending.indexOf("\n")) >= 0) {
          onLine(pending.slice(0, newline).replace(/\r$/, ""));
          pending = pending.slice(newline + 1);
        }
      }
    } catch { /* cancelled, or the pipe broke: what was read is passed on */ }
    pending += decoder.decode();
    if (pending !== "") onLine(pending);
  })();
  return { done, cancel: () => void reader.cancel().catch(() => {}) };
}

/**
 * How long the output of a hook is still read after its shell exited, in ms: a background
 * process it started (`./start-db.sh &`) may keep the pipes open, and is not waited for.
 */
export const OUTPUT_GRACE_MS = 300;

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
 * removed afterwards. On POSIX the hook is the leader of a new process group (session); when its
 * shell is still running at its timeout, or when `signal` aborts, the group gets SIGTERM, then
 * SIGKILL 2 s later. The outcome is the shell's exit status: background processes it leaves
 * running (`server &`) are not waited for (their output is read for {@linkcode OUTPUT_GRACE_MS}
 * after the shell exits, then no more) and do not count against the hook.
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
    const send = (signal: Deno.Signal) => {
      try {
        if (windows) child.kill(signal);
        else Deno.kill(-child.pid, signal);
      } catch { /* already gone */ }
    };
    const stop = () => {
      send("SIGTERM");
      killTimer ??= setTimeout(() => send("SIGKILL"), 2_000);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, options.timeoutMs);
    const onAbort = () => stop();
    options.signal?.addEventListener("abort", onAbort);
    const readers = [
      readLines(child.stdout, options.onOutput),
      readLines(child.stderr, options.onOutput),
    ];
    try {
      // The outcome is the shell's: once it exited, the timeout no longer applies, and the output
      // is read for a short grace only (a background process it left may hold the pipes open).
      const status = await child.status;
      clearTimeout(timer);
      let grace: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        Promise.all(readers.map((r) => r.done)),
        new Promise<void>((resolve) => grace = setTimeout(resolve, OUTPUT_GRACE_MS)),
      ]);
      clearTimeout(grace);
      for (const r of readers) r.cancel();
      await Promise.all(readers.map((r) => r.done));
      const code = timedOut
        ? 1
        : status.signal !== null
        ? 128 + (SIGNAL_NUMBERS[status.signal] ?? 0)
        : status.code;
      return { code, timedOut, durationMs: performance.now() - started };
    } finally {
      clearTimeout(timer);
      if (killTimer !== undefined) {
        // Stopped (timeout, abort): what the group still runs after SIGTERM is killed now.
        clearTimeout(killTimer);
        send("SIGKILL");
      }
      options.signal?.removeEventListener("abort", onAbort);
    }
  } finally {
    if (changesFile !== undefined) await Deno.remove(changesFile).catch(() => {});
  }
}
