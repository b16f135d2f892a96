/**
 * Alert emails over SMTP with STARTTLS, through nodemailer (imported when an email is sent).
 *
 * @module
 */
import { ConfigError, InterruptedError, NetworkError } from "../errors/mod.ts";
import type { AlertMessage } from "./alert_message.ts";
import { DEFAULT_SEND_RETRIES, type SendOptions, type SendResult } from "./post_json.ts";
import { hideSecrets } from "./redact_secret_url.ts";
import type { SmtpConfig } from "./smtp_config.ts";

/** The part of nodemailer's transport this module uses. */
interface MailTransport {
  sendMail(mail: Record<string, unknown>): Promise<{ response?: string; accepted?: unknown[] }>;
  close(): void;
}

/** The part of nodemailer's errors this module reads. */
interface MailError {
  code?: string;
  responseCode?: number;
  command?: string;
  message?: string;
}

/** nodemailer's transport options for `config` (exported for the tests). */
export function transportOptions(config: SmtpConfig): Record<string, unknown> {
  return {
    host: config.host,
    port: config.port,
    secure: config.implicitTls,
    requireTLS: config.starttls,
    ignoreTLS: !config.starttls && !config.implicitTls,
    ...(config.username === undefined
      ? {}
      : { auth: { user: config.username, pass: config.password ?? "" } }),
    tls: {
      minVersion: "TLSv1.2",
      rejectUnauthorized: true,
      ...(config.ca === undefined ? {} : { ca: config.ca }),
    },
    connectionTimeout: config.timeoutMs,
    greetingTimeout: config.timeoutMs,
    socketTimeout: config.timeoutMs,
    logger: false,
    debug: false,
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}

/** Whether an SMTP failure may succeed later: no connection, a timeout, a 4xx reply. */
function transient(error: MailError): boolean {
  if (error.responseCode !== undefined) {
    return error.responseCode >= 400 && error.responseCode < 500;
  }
  return error.code === "ECONNECTION" || error.code === "ETIMEDOUT" || error.code === "ESOCKET" ||
    error.code === "EDNS";
}

function typed(config: SmtpConfig, error: MailError, attempts: number): Error {
  const where = `${config.host}:${config.port}`;
  const said = hideSecrets(
    `${error.message ?? String(error)}${error.code === undefined ? "" : ` [${error.code}]`}`,
    [config.password],
  );
  if (error.code === "EAUTH") {
    return new ConfigError(`The SMTP server ${where} refused the login: ${said}`, {
      hint: `Check "username" and the password in ${config.path}`,
    });
  }
  if (error.code === "ETLS" || /STARTTLS/i.test(said)) {
    return new NetworkError(`No TLS with the SMTP server ${where}: ${said}`, {
      hint: config.starttls
        ? `The server must offer STARTTLS with a certificate you trust: give its CA as "ca_file" in ${config.path}, or use "implicit_tls": true for port 465`
        : `Check the server's certificate; give its CA as "ca_file" in ${config.path}`,
    });
  }
  if (/certificate|self.signed|unable to verify/i.test(said)) {
    return new NetworkError(
      `The SMTP server ${where} has a certificate that is not trusted: ${said}`,
      {
        hint: `Give the CA that signed it as "ca_file" in ${config.path}`,
      },
    );
  }
  return new NetworkError(
    `Could not send the email through ${where} after ${attempts} attempt${
      attempts === 1 ? "" : "s"
    }: ${said}`,
    {
      hint: error.responseCode !== undefined && error.responseCode >= 500
        ? 'The server refused the message: check "from" and "to" with its administrator'
        : "Check that the SMTP server is up and reachable; retries are `performance.max_retries`",
    },
  );
}

/**
 * Sends `message` by email as `config` says (SMTP, STARTTLS required unless the file says
 * otherwise, AUTH with the configured credentials): `From:` and `To:` from the config, the subject
 * and the plain-text body of the message. Retries a connection failure, a timeout or a 4xx reply
 * up to `maxRetries` times. nodemailer is imported on first use. Requires `--allow-net`,
 * `--allow-env` and `--allow-read` (nodemailer's own needs).
 *
 * @returns The attempts made and status 250.
 * @throws {NetworkError} (exit 5) when the server is unreachable, does not offer STARTTLS, has an
 *   untrusted certificate, or refused the message.
 * @throws {ConfigError} (exit 10) when the server refused the login.
 * @throws {InterruptedError} (exit 130) when `signal` was aborted.
 */
export async function sendEmail(
  config: SmtpConfig,
  message: AlertMessage,
  options: SendOptions = {},
): Promise<SendResult> {
  const nodemailer = await import("npm:nodemailer@10.6.0");
  const api = (nodemailer.default ?? nodemailer) as {
    createTransport(options: Record<string, unknown>): MailTransport;
  };
  const retries = Math.max(0, options.maxRetries ?? DEFAULT_SEND_RETRIES);
  const base = options.backoffMs ?? 250;
  let last: MailError = {};
  for (let attempt = 0; attempt <= retries; attempt++) {
    if (options.signal?.aborted) {
      throw new InterruptedError("SIGINT", { hint: "The email was not sent" });
    }
    const transport = api.createTransport(transportOptions(config));
    const onAbort = () => transport.close();
    options.signal?.addEventListener("abort", onAbort, { once: true });
    try {
      await transport.sendMail({
        from: config.from,
        to: config.to,
        subject: message.subject.replace(/[\r\n]+/g, " "),
        text: message.text,
        headers: { "X-Gestvenv-Findings": String(message.findings.length) },
      });
      return { attempts: attempt + 1, status: 250 };
    } catch (error) {
      last = (error ?? {}) as MailError;
      if (options.signal?.aborted) {
        throw new InterruptedError("SIGINT", { hint: "The email was not sent" });
      }
      if (!transient(last) || attempt === retries) throw typed(config, last, attempt + 1);
    } finally {
      options.signal?.removeEventListener("abort", onAbort);
      transport.close();
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(5000, base * 2 ** attempt)));
  }
  throw typed(config, last, retries + 1);
}
