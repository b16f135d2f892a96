/**
 * The send options of the alert commands, from the command's settings: the time allowed per
 * attempt is `http_connect_timeout` (10 s when unset), the retries `performance.max_retries`.
 *
 * @module
 */
import type { SendOptions } from "../../lib/notify/mod.ts";
import type { CommandContext } from "../_context.ts";
import { VERSION } from "../_version.ts";

/** The {@linkcode SendOptions} of `ctx`. */
export function sendOptions(ctx: CommandContext): SendOptions {
  return {
    timeoutMs: ctx.settings.httpConnectTimeoutMs.value,
    maxRetries: ctx.settings.maxRetries.value,
    signal: ctx.signal,
    userAgent: `gestvenv/${VERSION}`,
  };
}
