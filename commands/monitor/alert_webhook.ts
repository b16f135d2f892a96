import { buildCommand } from "npm:@stricli/core@1.3.0";
import {
  action,
  type CliContext,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "../_context.ts";
import { examples, text } from "../_help.ts";

interface WebhookFlags extends GlobalFlags {
  readonly url: string;
}

/** `gestvenv monitor alert webhook --url URL`. */
export const monitorAlertWebhookCommand = buildCommand<WebhookFlags, [], CliContext>({
  docs: {
    brief: 'Send alerts as a JSON document POSTed to a URL (README, "Alerts")',
    fullDescription: examples([
      ["gestvenv monitor alert webhook --url https://alerts.example.com/gestvenv", "add it"],
    ]) +
      "\nThe document: {source, version, event, time, host, subject, text, findings}. The URL" +
      "\nis kept in <home>/monitor/alerts.json (mode 0600) and shown redacted.",
  },
  parameters: {
    flags: { ...GLOBAL_FLAGS, url: text("The URL (https://, or http:// to localhost)", "url") },
    aliases: GLOBAL_ALIASES,
  },
  func: action("monitor alert webhook", async (ctx, flags: WebhookFlags) => {
    const { checkWebhookUrl } = await import("../../lib/monitor/mod.ts");
    const { addChannel } = await import("./_alert_channel.ts");
    const json = formatFor(ctx, ["table", "json"], "table") === "json";
    checkWebhookUrl(flags.url, "--url");
    await addChannel(ctx, "monitor alert webhook", "webhook", flags.url, json);
  }, { effect: "changes" }),
});
