import { join } from "../lib/paths/mod.ts";
/**
 * Starting programs inside an environment: the environment variables an activated shell would
 * have, and exit-status pass-through with signal forwarding.
 *
 * @module
 */
import type { EnvironmentRecord } from "../lib/environments/mod.ts";
import { BIN_NAME } from "../lib/virtualenv/mod.ts";
import type { HookRunner } from "../lib/hooks/mod.ts";

/** The variables of an activated environment: `VIRTUAL_ENV`, `PATH` first, no `PYTHONHOME`. */
export function activatedEnv(record: EnvironmentRecord): Record<string, string> {
  const env = Deno.env.toObject();
  delete env.PYTHONHOME;
  const sep = Deno.build.os === "windows" ? ";" : ":";
  const pathKey = Object.keys(env).find((k) => k.toUpperCase() === "PATH") ?? "PATH";
  env[pathKey] = `${join(record.path, BIN_NAME)}${sep}${env[pathKey] ?? ""}`;
  env.VIRTUAL_ENV = record.path;
  env.VIRTUAL_ENV_PROMPT = record.name;
  return env;
}

const FORWARDED: Deno.Signal[] = Deno.build.os === "windows"
  ? ["SIGINT", "SIGBREAK"]
  : ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT"];
const SIGNAL_NUMBERS: Partial<Record<Deno.Signal, number>> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGKILL: 9,
  SIGTERM: 15,
};

/**
 * Runs `program` with inherited stdio and the environment's variables, forwarding SIGINT, SIGTERM,
 * SIGHUP and SIGQUIT to it. Returns its exit code, or 128 + signal number when a signal ended it.
 *
 * @throws {Deno.errors.NotFound} When the program does not exist.
 */
export async function runInEnvironment(
  record: EnvironmentRecord,
  program: string,
  args: string[],
  extraEnv: Record<string, string> = {},
  options: { cwd?: string } = {},
): Promise<number> {
  const env = { ...activatedEnv(record), ...extraEnv };
  const local = join(record.path, BIN_NAME, program);
  let resolved = program;
  if (!program.includes("/") && !program.includes("\\")) {
    for (
      const candidate of Deno.build.os === "windows"
        ? [`${local}.exe`, `${local}.cmd`, local]
        : [local]
    ) {
      try {
        if ((await Deno.stat(candidate)).isFile) {
          resolved = candidate;
          break;
        }
      } catch { /* not in the environment: let PATH find it */ }
    }
  }
  const child = new Deno.Command(resolved, {
    args,
    env,
    clearEnv: true,
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    stdin: "inherit",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  const handlers = FORWARDED.map((signal) => {
    const handler = () => {
      try {
        child.kill(signal);
      } catch { /* already gone */ }
    };
    try {
      Deno.addSignalListener(signal, handler);
    } catch { /* signal not supported here */ }
    return [signal, handler] as const;
  });
  try {
    const status = await child.status;
    if (status.signal !== null) return 128 + (SIGNAL_NUMBERS[status.signal] ?? 0);
    return status.code;
  } finally {
    for (const [signal, handler] of handlers) {
      try {
        Deno.removeSignalListener(signal, handler);
      } catch { /* ignore */ }
    }
  }
}

/**
 * Runs a command line through the system shell (`sh -c`, `cmd /d /s /c` on Windows) inside the
 * environment: what project scripts (`[scripts] test = "pytest tests/"`) and hooks are. `args`
 * are appended to the line (as `"$@"`, so they are not re-split by the shell).
 */
export async function runShellLine(
  record: EnvironmentRecord,
  line: string,
  args: string[],
  options: { cwd?: string } = {},
): Promise<number> {
  if (Deno.build.os === "windows") {
    const quoted = args.map((a) => /[\s"]/.test(a) ? `"${a.replaceAll('"', '""')}"` : a);
    return await runInEnvironment(
      record,
      "cmd",
      ["/d", "/s", "/c", [line, ...quoted].join(" ")],
      {},
      options,
    );
  }
  return await runInEnvironment(
    record,
    "sh",
    ["-c", args.length === 0 ? line : `${line} "$@"`, "gestvenv", ...args],
    {},
    options,
  );
}

/**
 * Runs the `pre-run` hooks of `record` (global, the trusted project's, the environment's own:
 * `hook add pre-run CMD --env ENV`, or `config set-env ENV hooks.pre_run "…"`) through the same
 * runner as the lifecycle hooks, in `cwd` (project hooks in their project); a failing hook stops
 * the command before its program starts.
 *
 * @throws {OperationError} `hook_failed` (exit 1) naming the hook and its exit code.
 */
export async function runPreRunHook(
  hooks: HookRunner,
  record: EnvironmentRecord,
  cwd: string = Deno.cwd(),
): Promise<void> {
  await hooks.run({ event: "pre-run", environment: record.name, path: record.path, cwd });
}
