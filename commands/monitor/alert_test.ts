import { buildCommand } from "npm:@stricli/core@1.3.0";
import { GestvenvError, UsageError } from "../../lib/errors/mod.ts";
import type { AlertChannel } from "../../lib/monitor/mod.ts";
import {
  action,
  type CliContext,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "../_context.ts";
import { examples } from "../_help.ts";
import { sendOptions } from "./_send_options.ts";

/** `gestvenv monitor alert test [ID...]`. */
export const monitorAlertTestCommand = buildCommand<GlobalFlags, string[], CliContext>({
  docs: {
    brief: "Send a test alert to every channel (or those named)",
    fullDescription: examples([
      ["gestvenv monitor alert test", "every channel"],
      ["gestvenv monitor alert test slack-1a2b3c", "one"],
    ]) +
      "\nExit 0 when every channel took it; else the exit code of the first failure (5: network).",
  },
  parameters: {
    flags: GLOBAL_FLAGS,
    aliases: GLOBAL_ALIASES,
    positional: {
      kind: "array",
      parameter: { brief: "Channel ids (default: all)", parse: String, placeholder: "id" },
    },
  },
  func: action("monitor alert test", async (ctx, _flags: GlobalFlags, ...ids: string[]) => {
    const { describeAlertChannel, monitorFiles, readAlertChannels, sendToChannel } = await import(
      "../../lib/monitor/mod.ts"
    );
    const { alertText } = await import("../../lib/notify/mod.ts");
    const format = formatFor(ctx, ["table", "json"], "table");
    const all = await readAlertChannels(monitorFiles(ctx.home.root));
    for (const id of ids) {
      if (!all.some((c) => c.id === id)) {
        throw new UsageError(`No alert channel \`${id}\``, {
          hint: "`gestvenv monitor alert list` shows the ids",
        });
      }
    }
    const channels = ids.length === 0 ? all : all.filter((c) => ids.includes(c.id));
    if (channels.length === 0) {
      throw new UsageError("No alert channel to test", {
        hint: "Add one: gestvenv monitor alert slack|email|webhook",
      });
    }
    const host = Deno.hostname();
    const findings = [{
      fingerprint: "test",
      severity: "info",
      title: "This is a test alert from gestvenv",
      detail: `Sent by \`gestvenv monitor alert test\` on ${host}`,
    }];
    const message = {
      subject: `gestvenv on ${host}: test alert`,
      text: alertText("gestvenv test alert: the channel works.", findings),
      findings,
    };
    const options = sendOptions(ctx);
    const results: Array<{ channel: string; ok: boolean; error: string | null }> = [];
    let code = 0;
    for (const channel of channels as AlertChannel[]) {
      try {
        await sendToChannel(channel, message, { ...options, event: "test", host });
        results.push({ channel: channel.id, ok: true, error: null });
        if (format !== "json") {
          ctx.printer.success(`${channel.id}: sent (${describeAlertChannel(channel).destination})`);
        }
      } catch (error) {
        if (!(error instanceof GestvenvError)) throw error;
        if (code === 0) code = error.exitCode;
        results.push({ channel: channel.id, ok: false, error: error.message });
        if (format !== "json") ctx.printer.error(error);
      }
    }
    if (format === "json") {
      ctx.printer.json("monitor alert test", { results }, code === 0 ? "success" : "error");
    }
    return code;
  }, { effect: "reads" }),
});
