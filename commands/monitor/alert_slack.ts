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

interface SlackFlags extends GlobalFlags {
  readonly webhookUrl: string;
}

/** `gestvenv monitor alert slack --webhook-url URL`. */
export const monitorAlertSlackCommand = buildCommand<SlackFlags, [], CliContext>({
  docs: {
    brief: "Send alerts to a Slack channel through an incoming webhook",
    fullDescription: examples([
      [
        "gestvenv monitor alert slack --webhook-url https://hooks.slack.com/services/T0/B0/XXXX",
        "add the channel",
      ],
    ]) +
      "\nThe URL is a secret: it is kept in <home>/monitor/alerts.json (mode 0600) and shown" +
      "\nredacted.",
  },
  parameters: {
    flags: {
      ...GLOBAL_FLAGS,
      webhookUrl: text("The incoming webhook's URL (https://hooks.slack.com/services/…)", "url"),
    },
    aliases: GLOBAL_ALIASES,
  },
  func: action("monitor alert slack", async (ctx, flags: SlackFlags) => {
    const { checkWebhookUrl } = await import("../../lib/monitor/mod.ts");
    const { addChannel } = await import("./_alert_channel.ts");
    const json = formatFor(ctx, ["table", "json"], "table") === "json";
    checkWebhookUrl(flags.webhookUrl, "--webhook-url");
    await addChannel(ctx, "monitor alert slack", "slack", flags.webhookUrl, json);
  }, { effect: "changes" }),
});
