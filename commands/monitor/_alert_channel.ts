/**
 * What the `monitor alert slack|email|webhook` commands share: adding a channel and saying so.
 *
 * @module
 */
import {
  addAlertChannel,
  type AlertKind,
  describeAlertChannel,
  monitorFiles,
} from "../../lib/monitor/mod.ts";
import type { CommandContext } from "../_context.ts";

const NAMES: Record<AlertKind, string> = { slack: "Slack", webhook: "webhook", email: "email" };

/** Adds (or refreshes) the channel and prints it, its URL redacted. */
export async function addChannel(
  ctx: CommandContext,
  route: string,
  kind: AlertKind,
  destination: string,
  json: boolean,
): Promise<void> {
  const files = monitorFiles(ctx.home.root);
  if (ctx.dryRun) {
    ctx.printer.info(`Would add a ${NAMES[kind]} alert channel to ${files.alerts}`);
    return;
  }
  const { channel, existed } = await addAlertChannel(files, kind, destination);
  const shown = describeAlertChannel(channel);
  if (json) {
    ctx.printer.json(route, { channel: shown, existed });
    return;
  }
  ctx.printer.success(
    `${existed ? "Kept" : "Added"} ${NAMES[kind]} alert channel ${shown.id} (${shown.destination})`,
  );
  ctx.printer.info(`Send a test alert: gestvenv monitor alert test ${shown.id}`);
}
