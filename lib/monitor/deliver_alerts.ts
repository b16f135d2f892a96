/**
 * Alerting at most once per finding: for each channel, `<home>/monitor/alerted.json` keeps the
 * fingerprints it was sent. A run sends a channel only the findings it was not sent yet; a finding
 * that is gone is forgotten (so it alerts again if it comes back), except a vulnerability when the
 * run did not audit (no database, audit failed: not looked for is not gone); a channel that fails
 * keeps no new fingerprint (the next run tries again) and does not stop the others.
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
export interface DeliverOptions extends ChannelSendOptions {
  /**
   * Whether this run audited the vulnerabilities (default true). When false, the `vuln:`
   * fingerprints already sent are kept: a vulnerability not looked for is not gone.
   */
  vulnerabilitiesChecked?: boolean;
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

/** Where and how {@linkcode sendToChannel} sends. */
export interface ChannelSendOptions extends SendOptions {
  /** What produced the message (`health-check`, `test`), the webhook document's `event`. */
  event: string;
  /** The machine's name, for the webhook document. */
  host?: string | undefined;
  /** The time of the message. */
  now?: Date;
}

/**
 * Sends `message` to one channel, by its kind: Slack (`sendSlack`), a generic webhook (the
 * `webhookPayload` document with `options.event`) or email (`smtp.json` loaded at each send).
 * The one sending switch of `deliverAlerts` and `monitor alert test`. Requires `--allow-net`
 * (`--allow-read` and `--allow-env` for email).
 *
 * @throws {NetworkError} (exit 5) when the channel did not take it; {ConfigError} (exit 10) for a
 *   bad `smtp.json`; {InterruptedError} when `options.signal` aborted.
 */
export async function sendToChannel(
  channel: AlertChannel,
  message: AlertMessage,
  options: ChannelSendOptions,
): Promise<void> {
  const send: SendOptions = {
    timeoutMs: options.timeoutMs,
    maxRetries: options.maxRetries,
    signal: options.signal,
    userAgent: options.userAgent,
    backoffMs: options.backoffMs,
  };
  switch (channel.kind) {
    case "slack":
      await sendSlack(channel.url!, message, send);
      return;
    case "webhook":
      await sendWebhook(
        channel.url!,
        webhookPayload(message, options.event, options.now ?? new Date(), options.host),
        send,
      );
      return;
    case "email":
      await sendEmail(await loadSmtpConfig(channel.smtp_config!), message, send);
      return;
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
 * `alerted` (as read) with, for each of `channels`, the fingerprints that still hold: those in
 * `current`, and every `vuln:` one when this run did not audit (`vulnerabilitiesChecked` false: a
 * vulnerability not looked for is not gone). Channels no longer configured are dropped.
 */
function expire(
  alerted: Alerted,
  channels: readonly AlertChannel[],
  current: ReadonlySet<string>,
  vulnerabilitiesChecked: boolean,
): Alerted {
  const next: Alerted = Object.create(null);
  for (const channel of channels) {
    const kept: Record<string, string> = Object.create(null);
    for (const [fp, time] of Object.entries(alerted[channel.id] ?? {})) {
      if (current.has(fp) || (!vulnerabilitiesChecked && fp.startsWith("vuln:"))) kept[fp] = time;
    }
    next[channel.id] = kept;
  }
  return next;
}

/**
 * Sends each channel the findings it was not sent yet (see the module doc), one message per
 * channel. The fingerprints that no longer hold are expired first (under the monitoring lock);
 * each channel is then sent outside the lock (a slow channel never holds others waiting on it)
 * and what it took is recorded right after, under the lock, re-reading the file (an interruption
 * after one channel keeps that channel's record). Never throws for a channel's failure: it is in
 * the result. Requires `--allow-net`, `--allow-read`, `--allow-write` (and `--allow-env` for
 * `password_env`).
 *
 * @returns One {@linkcode Delivery} per channel, in order.
 * @throws {InterruptedError} when `options.signal` aborted.
 */
export async function deliverAlerts(
  files: MonitorFiles,
  channels: readonly AlertChannel[],
  findings: readonly AlertFinding[],
  options: DeliverOptions,
): Promise<Delivery[]> {
  const now = (options.now ?? new Date()).toISOString();
  const current = new Set(findings.map((f) => f.fingerprint));
  const checked = options.vulnerabilitiesChecked ?? true;
  const alerted = await withMonitorLock(files, async () => {
    const next = expire(
      readAlerted(await readMonitorJson(files.alerted)),
      channels,
      current,
      checked,
    );
    await writeMonitorJson(files.alerted, { format: 1, channels: next });
    return next;
  });
  const deliveries: Delivery[] = [];
  for (const channel of channels) {
    const before = alerted[channel.id] ?? Object.create(null) as Record<string, string>;
    const fresh = findings.filter((f) => !(f.fingerprint in before));
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
      await sendToChannel(channel, alertMessage(fresh, options.host), options);
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
      continue;
    }
    await withMonitorLock(files, async () => {
      const latest = readAlerted(await readMonitorJson(files.alerted));
      const entry = latest[channel.id] ?? Object.create(null) as Record<string, string>;
      for (const f of fresh) entry[f.fingerprint] = now;
      latest[channel.id] = entry;
      await writeMonitorJson(files.alerted, { format: 1, channels: latest });
    });
    deliveries.push({
      channel: channel.id,
      kind: channel.kind,
      status: "sent",
      findings: fresh.length,
      error: null,
    });
  }
  return deliveries;
}
