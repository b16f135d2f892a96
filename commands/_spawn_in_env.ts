import { join } from "../lib/paths/mod.ts";
/**
 * Starting programs inside an environment: the environment variables an activated shell would
 * have, and exit-status pass-through with signal forwarding.
 *
 * @module
 */
import type { EnvironmentRecord } from "../lib/environments/mod.ts";
import { BIN_NAME } from "../lib/virtualenv/mod.ts";

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
