import { buildCommand } from "npm:@stricli/core@1.3.0";
import { absolute } from "../../lib/paths/mod.ts";
import {
  action,
  type CliContext,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "../_context.ts";
import { examples, text } from "../_help.ts";

interface EmailFlags extends GlobalFlags {
  readonly smtpConfig: string;
}

/** `gestvenv monitor alert email --smtp-config smtp.json`. */
export const monitorAlertEmailCommand = buildCommand<EmailFlags, [], CliContext>({
  docs: {
    brief: 'Send alerts by email over SMTP with STARTTLS (smtp.json: README, "Alerts")',
    fullDescription: examples([
      ["gestvenv monitor alert email --smtp-config ~/.config/gestvenv/smtp.json", "add it"],
    ]) +
      "\nThe file is checked now and read again at each alert (keep the password out of it with" +
      '\n"password_env").',
  },
  parameters: {
    flags: { ...GLOBAL_FLAGS, smtpConfig: text("The SMTP configuration (JSON)", "file") },
    aliases: GLOBAL_ALIASES,
  },
  func: action("monitor alert email", async (ctx, flags: EmailFlags) => {
    const { loadSmtpConfig } = await import("../../lib/notify/mod.ts");
    const { addChannel } = await import("./_alert_channel.ts");
    const json = formatFor(ctx, ["table", "json"], "table") === "json";
    const path = absolute(flags.smtpConfig);
    await loadSmtpConfig(path);
    await addChannel(ctx, "monitor alert email", "email", path, json);
  }, { effect: "changes" }),
});
