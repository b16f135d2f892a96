/**
 * `smtp.json`: how alerts and reports are sent by email (README "Alerts").
 *
 * @module
 */
import { ConfigError } from "../errors/mod.ts";
import { dirname, join } from "../paths/mod.ts";

/** An SMTP server and the addresses of an alert email, as read by {@linkcode loadSmtpConfig}. */
export interface SmtpConfig {
  /** The file it was read from (absolute or as given). */
  path: string;
  /** The server's host name or address. */
  host: string;
  /** The server's port. @default 587, or 465 with `implicit_tls` */
  port: number;
  /** The sender address (`From:`). */
  from: string;
  /** The recipients (`To:`), at least one. */
  to: string[];
  /** The user name for SMTP AUTH, or undefined to send without authenticating. */
  username?: string | undefined;
  /** The password (from `password` or the variable named by `password_env`); never printed. */
  password?: string | undefined;
  /** Where the password came from: `password` (the file) or the variable's name. */
  passwordSource?: string | undefined;
  /** Upgrade the connection with STARTTLS and refuse a server that does not offer it. */
  starttls: boolean;
  /** TLS from the first byte (SMTPS, port 465) instead of STARTTLS. */
  implicitTls: boolean;
  /** Allows a connection without TLS (`starttls: false` with credentials). */
  insecure: boolean;
  /** PEM certificates of a private CA to trust (`ca_file`), or undefined for the system's. */
  ca?: string | undefined;
  /** The `ca_file` path as resolved, or undefined. */
  caFile?: string | undefined;
  /** Time allowed to connect, greet and each later reply, in ms (`timeout_seconds`). @default 15000 */
  timeoutMs: number;
}

const KEYS = new Set([
  "host",
  "port",
  "from",
  "to",
  "username",
  "password",
  "password_env",
  "starttls",
  "implicit_tls",
  "insecure",
  "ca_file",
  "timeout_seconds",
]);

/** A mail address: something@something, no spaces, no line breaks, no angle brackets. */
const ADDRESS = /^[^\s@<>,;"]+@[^\s@<>,;"]+$/;

function fail(path: string, message: string, hint: string): never {
  throw new ConfigError(`${path}: ${message}`, { hint });
}

/**
 * Checks the parsed `smtp.json` object read from `path` and returns it as a {@linkcode SmtpConfig}.
 * `env` gives the variables `password_env` names (default: the process's); `caText` reads a
 * `ca_file` (relative paths are relative to the file's folder).
 *
 * @throws {ConfigError} (exit 10) naming the field: a required one missing (`host`, `from`, `to`),
 *   a wrong type, an unknown key, an invalid address, `password_env` naming an unset variable,
 *   both `password` and `password_env`, credentials without TLS and without `"insecure": true`,
 *   an unreadable `ca_file`.
 */
export async function parseSmtpConfig(
  path: string,
  data: unknown,
  env: (name: string) => string | undefined = (name) => Deno.env.get(name),
  caText: (file: string) => Promise<string> = (file) => Deno.readTextFile(file),
): Promise<SmtpConfig> {
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    fail(path, "expected a JSON object", 'Write e.g. {"host": "smtp.example.com", ...}');
  }
  const raw = data as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (!KEYS.has(key)) {
      fail(path, `unknown field "${key}"`, `The fields are: ${[...KEYS].join(", ")}`);
    }
  }
  const text = (key: string, required: boolean): string | undefined => {
    const value = raw[key];
    if (value === undefined || value === null) {
      if (required) {
        fail(path, `missing field "${key}"`, `Add "${key}" to ${path} (README, "Alerts")`);
      }
      return undefined;
    }
    if (typeof value !== "string" || value.trim() === "" || /[\r\n]/.test(value)) {
      fail(path, `field "${key}" must be a non-empty one-line string`, `Fix "${key}" in ${path}`);
    }
    return value.trim();
  };
  const flag = (key: string, fallback: boolean): boolean => {
    const value = raw[key];
    if (value === undefined) return fallback;
    if (typeof value !== "boolean") {
      fail(path, `field "${key}" must be true or false`, `Fix "${key}" in ${path}`);
    }
    return value;
  };
  const host = text("host", true)!;
  const from = text("from", true)!;
  if (!ADDRESS.test(from)) {
    fail(path, `field "from" is not a mail address: ${from}`, "Write e.g. gestvenv@example.com");
  }
  const toValue = raw["to"];
  const to = typeof toValue === "string" ? [toValue] : toValue;
  if (to === undefined || to === null) {
    fail(path, 'missing field "to"', `Add "to" (an address or a list of them) to ${path}`);
  }
  if (!Array.isArray(to) || to.length === 0) {
    fail(path, 'field "to" must be an address or a non-empty list of them', `Fix "to" in ${path}`);
  }
  const recipients = to.map((address) => {
    if (typeof address !== "string" || !ADDRESS.test(address.trim())) {
      fail(path, `field "to" holds an invalid address: ${String(address)}`, `Fix "to" in ${path}`);
    }
    return address.trim();
  });
  const implicitTls = flag("implicit_tls", false);
  const starttls = implicitTls ? false : flag("starttls", true);
  const insecure = flag("insecure", false);
  const portValue = raw["port"] ?? (implicitTls ? 465 : 587);
  if (
    typeof portValue !== "number" || !Number.isInteger(portValue) || portValue < 1 ||
    portValue > 65535
  ) {
    fail(path, `field "port" must be a port number (1-65535)`, `Fix "port" in ${path}`);
  }
  const timeoutValue = raw["timeout_seconds"] ?? 15;
  if (typeof timeoutValue !== "number" || !(timeoutValue > 0 && timeoutValue <= 600)) {
    fail(path, `field "timeout_seconds" must be a number of seconds (at most 600)`, "E.g. 15");
  }
  const username = text("username", false);
  const literal = text("password", false);
  const variable = text("password_env", false);
  if (literal !== undefined && variable !== undefined) {
    fail(path, 'give "password" or "password_env", not both', 'Keep "password_env"');
  }
  let password = literal;
  if (variable !== undefined) {
    password = env(variable);
    if (password === undefined || password === "") {
      fail(
        path,
        `field "password_env" names the variable ${variable}, which is not set`,
        `Set ${variable} in the environment the check runs in`,
      );
    }
  }
  if (password !== undefined && username === undefined) {
    fail(path, 'missing field "username" (a password is given)', `Add "username" to ${path}`);
  }
  if (username !== undefined && !starttls && !implicitTls && !insecure) {
    fail(
      path,
      "refusing to send the SMTP password without TLS",
      'Keep "starttls": true (the default) or set "implicit_tls": true; ' +
        '"insecure": true allows a plaintext login',
    );
  }
  let ca: string | undefined;
  let caFile: string | undefined;
  const caValue = text("ca_file", false);
  if (caValue !== undefined) {
    caFile = caValue.startsWith("/") || /^[A-Za-z]:[\\/]/.test(caValue)
      ? caValue
      : join(dirname(path), caValue);
    try {
      ca = await caText(caFile);
    } catch (error) {
      fail(
        path,
        `cannot read "ca_file" ${caFile}: ${error instanceof Error ? error.message : error}`,
        "Give the path of a PEM file with the CA's certificate",
      );
    }
    if (!ca.includes("-----BEGIN CERTIFICATE-----")) {
      fail(path, `"ca_file" ${caFile} holds no PEM certificate`, "Give a PEM file");
    }
  }
  return {
    path,
    host,
    port: portValue,
    from,
    to: recipients,
    ...(username === undefined ? {} : { username }),
    ...(password === undefined ? {} : { password }),
    ...(variable !== undefined
      ? { passwordSource: variable }
      : literal !== undefined
      ? { passwordSource: "password" }
      : {}),
    starttls,
    implicitTls,
    insecure,
    ...(ca === undefined ? {} : { ca, caFile }),
    timeoutMs: Math.round(timeoutValue * 1000),
  };
}

/**
 * Reads and checks `smtp.json` at `path` (format in README "Alerts"): `host`, `port` (587),
 * `from`, `to` (an address or a list), `username`, `password` or `password_env` (the name of a
 * variable holding it), `starttls` (default true: STARTTLS is required), `implicit_tls` (SMTPS),
 * `insecure` (allow a login without TLS), `ca_file` (a private CA, PEM), `timeout_seconds` (15).
 * Requires `--allow-read` (and `--allow-env` for `password_env`).
 *
 * @throws {ConfigError} (exit 10) when the file is missing, not JSON, or a field is missing or
 *   invalid (the message names it); see {@linkcode parseSmtpConfig}.
 */
export async function loadSmtpConfig(path: string): Promise<SmtpConfig> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    throw new ConfigError(`Cannot read the SMTP configuration ${path}`, {
      hint: error instanceof Deno.errors.NotFound
        ? 'Write it first: {"host": ..., "from": ..., "to": ...} (README, "Alerts")'
        : "Check the file's permissions",
      cause: error,
    });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    // V8's message quotes the text around the error, which may be the password: only the place.
    const place = /\(line (\d+) column (\d+)\)/.exec((error as Error).message);
    throw new ConfigError(
      `${path} is not valid JSON${place === null ? "" : ` (line ${place[1]}, column ${place[2]})`}`,
      { hint: "Fix the file's syntax (its text is not shown: it may hold the password)" },
    );
  }
  return await parseSmtpConfig(path, data);
}

/** The configuration as it may be shown: everything but the password. */
export function describeSmtpConfig(config: SmtpConfig): Record<string, unknown> {
  return {
    path: config.path,
    host: config.host,
    port: config.port,
    from: config.from,
    to: config.to,
    username: config.username ?? null,
    password: config.passwordSource === undefined
      ? null
      : config.passwordSource === "password"
      ? "(in the file)"
      : `(from $${config.passwordSource})`,
    tls: config.implicitTls ? "implicit" : config.starttls ? "starttls" : "none",
    ca_file: config.caFile ?? null,
  };
}
