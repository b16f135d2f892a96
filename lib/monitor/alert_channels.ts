/**
 * The alert channels, `<home>/monitor/alerts.json` (mode 0600: a Slack or webhook URL lets whoever
 * knows it post to the channel): added by `monitor alert slack|email|webhook`, listed and removed
 * by `monitor alert list|remove`, used by `health-check --alert-on-issues`.
 *
 * @module
 */
import { ConfigError, UsageError } from "../errors/mod.ts";
import { redactSecretUrl } from "../notify/mod.ts";
import {
  type MonitorFiles,
  readMonitorJson,
  withMonitorLock,
  writeMonitorJson,
} from "./monitor_files.ts";

/** The kinds of alert channels. */
export type AlertKind = "slack" | "webhook" | "email";

/** One configured channel. */
export interface AlertChannel {
  /** `<kind>-<6 hex digits of the destination's sha256>`: stable for one destination. */
  id: string;
  kind: AlertKind;
  /** The webhook URL (slack, webhook): a secret, shown redacted. */
  url?: string;
  /** The absolute path of `smtp.json` (email). */
  smtp_config?: string;
  /** When it was added (ISO 8601). */
  added: string;
}

/** `alerts.json` (format 1). */
interface AlertsFile {
  format: 1;
  channels: AlertChannel[];
}

const KINDS = new Set(["slack", "webhook", "email"]);

function parseChannels(path: string, data: Record<string, unknown> | undefined): AlertChannel[] {
  if (data === undefined) return [];
  const channels = data.channels;
  if (data.format !== 1 || !Array.isArray(channels)) {
    throw new ConfigError(`${path} is not an alerts file gestvenv knows (format 1)`, {
      hint: "Remove it and add the channels again with `gestvenv monitor alert`",
    });
  }
  return channels.filter((c): c is AlertChannel =>
    c !== null && typeof c === "object" && typeof c.id === "string" && KINDS.has(c.kind) &&
    (c.kind === "email" ? typeof c.smtp_config === "string" : typeof c.url === "string")
  );
}

/**
 * The configured channels, in the order they were added (none when `alerts.json` is missing).
 * Requires `--allow-read`.
 *
 * @throws {ConfigError} (exit 10) when the file is damaged.
 */
export async function readAlertChannels(files: MonitorFiles): Promise<AlertChannel[]> {
  return parseChannels(files.alerts, await readMonitorJson(files.alerts));
}

async function shortHash(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest).slice(0, 3)].map((b) => b.toString(16).padStart(2, "0"))
    .join("");
}

/**
 * Checks a webhook URL: `https:`, or `http:` to a loopback host (a local relay, the tests).
 *
 * @throws {UsageError} (exit 2) otherwise; the message shows the URL redacted.
 */
export function checkWebhookUrl(url: string, flag: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`${flag} is not a URL`, { hint: "Give the full https:// URL" });
  }
  const loopback = ["127.0.0.1", "localhost", "[::1]"].includes(parsed.hostname);
  if (parsed.protocol !== "https:" && !(parsed.protocol === "http:" && loopback)) {
    throw new UsageError(
      `${flag} ${redactSecretUrl(url)} must use https (http only to 127.0.0.1/localhost)`,
      { hint: "A webhook URL carries its secret: it must not travel in clear text" },
    );
  }
}

/**
 * Adds a channel (or refreshes the one with the same destination) to `alerts.json`, written
 * atomically with mode 0600 under the monitoring lock. Requires `--allow-read`, `--allow-write`.
 *
 * @returns The channel and whether it was already there.
 */
export async function addAlertChannel(
  files: MonitorFiles,
  kind: AlertKind,
  destination: string,
  now: Date = new Date(),
): Promise<{ channel: AlertChannel; existed: boolean }> {
  const id = `${kind}-${await shortHash(`${kind}\n${destination}`)}`;
  return await withMonitorLock(files, async () => {
    const channels = await readAlertChannels(files);
    const existed = channels.some((c) => c.id === id);
    const channel: AlertChannel = {
      id,
      kind,
      ...(kind === "email" ? { smtp_config: destination } : { url: destination }),
      added: now.toISOString(),
    };
    const next = existed ? channels.map((c) => c.id === id ? channel : c) : [...channels, channel];
    await writeMonitorJson(files.alerts, { format: 1, channels: next } satisfies AlertsFile, 0o600);
    await Deno.chmod(files.alerts, 0o600).catch(() => {});
    return { channel, existed };
  });
}

/**
 * Removes the channels with these ids from `alerts.json` (atomic, locked).
 *
 * @returns The removed channels.
 * @throws {UsageError} (exit 2) when an id is not configured (nothing is removed then).
 */
export async function removeAlertChannels(
  files: MonitorFiles,
  ids: readonly string[],
): Promise<AlertChannel[]> {
  return await withMonitorLock(files, async () => {
    const channels = await readAlertChannels(files);
    const unknown = ids.filter((id) => !channels.some((c) => c.id === id));
    if (unknown.length > 0) {
      throw new UsageError(`No alert channel \`${unknown[0]}\``, {
        hint: "`gestvenv monitor alert list` shows the ids",
      });
    }
    const removed = channels.filter((c) => ids.includes(c.id));
    const kept = channels.filter((c) => !ids.includes(c.id));
    await writeMonitorJson(files.alerts, { format: 1, channels: kept } satisfies AlertsFile, 0o600);
    return removed;
  });
}

/** The channel as it may be shown: its URL redacted. */
export function describeAlertChannel(channel: AlertChannel): {
  id: string;
  kind: AlertKind;
  destination: string;
  added: string;
} {
  return {
    id: channel.id,
    kind: channel.kind,
    destination: channel.kind === "email"
      ? channel.smtp_config ?? ""
      : redactSecretUrl(channel.url ?? ""),
    added: channel.added,
  };
}
