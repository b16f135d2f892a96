/**
 * Alerting at most once per finding: for each channel, `<home>/monitor/alerted.json` keeps the
 * fingerprints it was sent. A run sends a channel only the findings it was not sent yet; a finding
 * that is gone is forgotten (so it alerts again if it comes back); a channel that fails keeps no
 * new fingerprint (the next run tries again) and does not stop the others.
 *
 * @module
 */
import { GestvenvError, InterruptedError, redactUrlsIn } from "../errors/mod.ts";
import {
  type AlertFinding,
  type AlertMessage,
  alertText,
  loadSmtpConfig,
  sendEmail,
  type SendOptions,
  sendSlack,
  sendWebhook,
  webhookPayload,
} from "../notify/mod.ts";
import type { AlertChannel } from "./alert_channels.ts";
import type { LastCheckDelivery } from "./last_check.ts";
import {
  type MonitorFiles,
  readMonitorJson,
  withMonitorLock,
  writeMonitorJson,
} from "./monitor_files.ts";

/** The outcome of one channel, with the typed error of a failure. */
export interface Delivery extends LastCheckDelivery {
  /** The failure (a `NetworkError`, a `ConfigError` for a bad `smtp.json`), or undefined. */
  failure?: unknown;
}

/** Options of {@linkcode deliverAlerts}. */
export interface DeliverOptions extends SendOptions {
  /** What produced the findings (`health-check`), for the webhook document's `event`. */
  event: string;
  /** The machine's name, for the subject and the webhook document. */
  host?: string | undefined;
  /** The time of the alert. */
  now?: Date;
}

/** The alert message about `findings`. */
export function alertMessage(findings: readonly AlertFinding[], host?: string): AlertMessage {
  const n = findings.length;
  const where = host === undefined ? "" : ` on ${host}`;
  const subject = `gestvenv${where}: ${n} new problem${n === 1 ? "" : "s"}`;
  return {
    subject,
    text: alertText(
      `gestvenv's scheduled check${where} found ${n} new problem${n === 1 ? "" : "s"}:`,
      findings,
      "Run `gestvenv health-check --verbose` for every check, `gestvenv doctor` for the full one.",
    ),
    findings,
  };
}

async function send(channel: AlertChannel, message: AlertMessage, options: DeliverOptions) {
  const send: SendOptions = {
    timeoutMs: options.timeoutMs,
    maxRetries: options.maxRetries,
    signal: options.signal,
    userAgent: options.userAgent,
    backoffMs: options.backoffMs,
  };
  switch (channel.kind) {
    case "slack":
      return await sendSlack(channel.url!, message, send);
    case "webhook":
      return await sendWebhook(
        channel.url!,
        webhookPayload(message, options.event, options.now ?? new Date(), options.host),
        send,
      );
    case "email":
      return await sendEmail(await loadSmtpConfig(channel.smtp_config!), message, send);
  }
}

type Alerted = Record<string, Record<string, string>>;

function readAlerted(data: Record<string, unknown> | undefined): Alerted {
  const out: Alerted = Object.create(null);
  const channels = data?.channels;
  if (channels === null || typeof channels !== "object") return out;
  for (const [id, fps] of Object.entries(channels as Record<string, unknown>)) {
    if (fps === null || typeof fps !== "object") continue;
    const set: Record<string, string> = Object.create(null);
    for (const [fp, time] of Object.entries(fps as Record<string, unknown>)) {
      if (typeof time === "string") set[fp] = time;
    }
    out[id] = set;
  }
  return out;
}

/**
 * Sends each channel the findings it was not sent yet (see the module doc), one message per
 * channel, and records the fingerprints under the monitoring lock (held while sending, so two
 * checks at once do not both send). Never throws for a channel's failure: it is in the result.
 * Requires `--allow-net`, `--allow-read`, `--allow-write` (and `--allow-env` for `password_env`).
 *
 * @returns One {@linkcode Delivery} per channel, in order.
 */
export async function deliverAlerts(
  files: MonitorFiles,
  channels: readonly AlertChannel[],
  findings: readonly AlertFinding[],
  options: DeliverOptions,
): Promise<Delivery[]> {
  const now = (options.now ?? new Date()).toISOString();
  return await withMonitorLock(files, async () => {
    const alerted = readAlerted(await readMonitorJson(files.alerted));
    const current = new Set(findings.map((f) => f.fingerprint));
    const next: Alerted = Object.create(null);
    const deliveries: Delivery[] = [];
    for (const channel of channels) {
      const before = alerted[channel.id] ?? Object.create(null) as Record<string, string>;
      const kept: Record<string, string> = Object.create(null);
      for (const [fp, time] of Object.entries(before)) if (current.has(fp)) kept[fp] = time;
      const fresh = findings.filter((f) => !(f.fingerprint in before));
      next[channel.id] = kept;
      if (fresh.length === 0) {
        deliveries.push({
          channel: channel.id,
          kind: channel.kind,
          status: "nothing new",
          findings: 0,
          error: null,
        });
        continue;
      }
      try {
        await send(channel, alertMessage(fresh, options.host), options);
        for (const f of fresh) kept[f.fingerprint] = now;
        deliveries.push({
          channel: channel.id,
          kind: channel.kind,
          status: "sent",
          findings: fresh.length,
          error: null,
        });
      } catch (error) {
        if (!(error instanceof GestvenvError) || error instanceof InterruptedError) throw error;
        deliveries.push({
          channel: channel.id,
          kind: channel.kind,
          status: "failed",
          findings: 0,
          error: redactUrlsIn(error.message),
          failure: error,
        });
      }
    }
    await writeMonitorJson(files.alerted, { format: 1, channels: next });
    return deliveries;
  });
}
