/**
 * Time-bounded probes for `system-info`: each slow question (a subprocess, a directory walk) gets
 * an abort signal and a deadline, and an answer that does not come in time is reported as
 * `timed out` instead of holding the command.
 *
 * @module
 */
import { failpoint } from "../fs/mod.ts";

/** How long one probe may take by default, in ms (issue 11 §3: "time-bound each (2 s)"). */
export const PROBE_TIMEOUT_MS = 2000;

/**
 * The outcome of one probe: `ok` with its value, `timed out` (no answer within the deadline), or
 * `unavailable` (the probe failed; `error` says why). `value` is null unless `ok`.
 */
export type ProbeResult<T> =
  | { status: "ok"; value: T }
  | { status: "timed out"; value: null; timeout_ms: number }
  | { status: "unavailable"; value: null; error: string };

/**
 * Runs `probe` with an abort signal that fires after `timeoutMs` (default
 * {@linkcode PROBE_TIMEOUT_MS}); never rejects. The probe should pass the signal to subprocesses
 * (`Deno.Command`'s `signal` kills them) and to walks so nothing keeps running after the deadline.
 * Failpoint `system-info.probe` runs inside every probe (a `sleep:MS` there makes them time out).
 */
export async function timeBound<T>(
  probe: (signal: AbortSignal) => Promise<T>,
  timeoutMs: number = PROBE_TIMEOUT_MS,
): Promise<ProbeResult<T>> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve("timeout");
    }, timeoutMs);
  });
  const run = (async () => {
    await failpoint("system-info.probe");
    return await probe(controller.signal);
  })();
  try {
    const winner = await Promise.race([run.then((value) => ({ value })), deadline]);
    if (winner === "timeout") {
      run.catch(() => {}); // its rejection after the abort is expected
      return { status: "timed out", value: null, timeout_ms: timeoutMs };
    }
    return { status: "ok", value: winner.value };
  } catch (error) {
    return {
      status: "unavailable",
      value: null,
      error: error instanceof Error ? error.message : String(error),
    };
  } finally {
    clearTimeout(timer);
  }
}
