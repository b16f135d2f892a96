/**
 * Failpoints: named steps where a test can make gestvenv die, fail or pause on purpose, so crash
 * consistency and races are tested deterministically (as FoundationDB's simulation, TiKV's
 * `fail-rs` or etcd's `gofail` do) instead of with random `sleep` + `kill -9`.
 *
 * Off unless `GESTVENV_FAILPOINT` names some, read once on first use:
 * `GESTVENV_FAILPOINT=create.after-staging:exit,install.locked:sleep:2000`. Actions:
 * - `exit`: the process dies at once with SIGKILL (no clean-up, no `finally`), as a power cut would;
 * - `error`: the step throws an `Error` (a failure the code must roll back);
 * - `sleep:MS`: the step pauses MS milliseconds (to open a race window on purpose);
 * - `signal:NAME`: the process sends itself signal NAME (`SIGINT`, `SIGTERM`) and goes on, as if
 *   the user pressed Ctrl-C at that step.
 *
 * @module
 */
import { ENV_VARS } from "../paths/mod.ts";

/** The environment variable that names the active failpoints. */
export const FAILPOINT_ENV: typeof ENV_VARS.FAILPOINT = ENV_VARS.FAILPOINT;

type Action =
  | { kind: "exit" }
  | { kind: "error" }
  | { kind: "sleep"; ms: number }
  | { kind: "signal"; signal: Deno.Signal };

let active: Map<string, Action> | undefined;

/**
 * Parses a `GESTVENV_FAILPOINT` value: `name:action` items separated by `,`.
 *
 * @throws {Error} For an unknown action, so a typo in a test cannot pass silently.
 */
export function parseFailpoints(spec: string): Map<string, Action> {
  const points = new Map<string, Action>();
  for (const item of spec.split(",").map((s) => s.trim()).filter((s) => s !== "")) {
    const [name, kind, arg] = item.split(":");
    if (name === undefined || kind === undefined) throw new Error(`bad failpoint \`${item}\``);
    if (kind === "exit" || kind === "error") points.set(name, { kind });
    else if (kind === "sleep" && Number(arg) >= 0) points.set(name, { kind, ms: Number(arg) });
    else if (kind === "signal" && arg !== undefined) {
      points.set(name, { kind, signal: arg as Deno.Signal });
    } else throw new Error(`bad failpoint action in \`${item}\``);
  }
  return points;
}

function activeFailpoints(): Map<string, Action> {
  if (active === undefined) {
    let spec: string | undefined;
    try {
      spec = Deno.env.get(FAILPOINT_ENV);
    } catch {
      spec = undefined; // No --allow-env: a library user, never a test.
    }
    active = spec === undefined || spec === "" ? new Map() : parseFailpoints(spec);
  }
  return active;
}

/**
 * Marks a step where a crash, a failure or a pause matters. Does nothing unless the step is named
 * in `GESTVENV_FAILPOINT` (see the module documentation). Requires `--allow-env` to read the
 * variable and `--allow-run` for `exit`/`signal`.
 *
 * @throws {Error} When the step's action is `error`.
 */
export async function failpoint(name: string): Promise<void> {
  const action = activeFailpoints().get(name);
  if (action === undefined) return;
  switch (action.kind) {
    case "exit":
      Deno.kill(Deno.pid, "SIGKILL");
      // SIGKILL is delivered asynchronously; never run the next step meanwhile.
      await new Promise(() => {});
      return;
    case "error":
      throw new Error(`failpoint ${name}`);
    case "sleep":
      await new Promise((resolve) => setTimeout(resolve, action.ms));
      return;
    case "signal":
      Deno.kill(Deno.pid, action.signal);
      // Let the signal listener run before the step goes on.
      await new Promise((resolve) => setTimeout(resolve, 50));
      return;
  }
}
