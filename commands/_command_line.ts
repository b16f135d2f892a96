/**
 * The command line as gestvenv writes it down: in the operation log (`command_line`), the
 * `--log-file` start line, `profile`'s title and JSON, the note a waiting command reads from a
 * lock, and `doctor --export`. Secrets are hidden there, once, by {@linkcode redactArgs}.
 *
 * @module
 */
import { redactSecretUrl, redactUrlsIn } from "../lib/errors/mod.ts";

/** What a hidden value is replaced with. */
export const REDACTED = "***";

/**
 * A long flag whose value is a secret: its name contains password, passwd, token, secret,
 * credential, api-key, authoriz…/authenticat…, or the word `auth` (`--auth`, `--http-auth`; not
 * `--author`).
 */
function isSecretFlag(name: string): boolean {
  return /password|passwd|token|secret|credential|api-?key|authoriz|authenticat/i.test(name) ||
    /(?:^|[-_])auth(?:$|[-_])/i.test(name);
}

/**
 * Long flags whose value is a URL that is itself a secret (a Slack incoming-webhook URL, a webhook
 * with a token in its path or query): `--webhook-url`, `--slack`, `--webhook` anywhere, and
 * `--url` of `monitor alert`. Their value is shown as {@linkcode redactSecretUrl} shows it (origin
 * only).
 */
const SECRET_URL_FLAGS = new Set(["webhook-url", "slack", "webhook"]);

/** Long flags whose value is a secret URL only under a command route (`--url` elsewhere is not). */
const SECRET_URL_FLAGS_BY_ROUTE: ReadonlyArray<
  readonly [route: readonly string[], flags: string[]]
> = [
  [["monitor", "alert"], ["url"]],
];

/**
 * Short flags that carry a secret, per command route (the short flag means something else
 * elsewhere: `-p` is `--python` for `create`, `--password` for `cache publish`).
 */
const SECRET_SHORT_FLAGS: ReadonlyArray<readonly [route: readonly string[], flags: string[]]> = [
  [["cache", "publish"], ["-p"]],
];

/** Whether `words` appear in `args` one after the other. */
function hasRoute(args: readonly string[], words: readonly string[]): boolean {
  for (let i = 0; i + words.length <= args.length; i++) {
    if (words.every((w, j) => args[i + j] === w)) return true;
  }
  return false;
}

/**
 * `args` with their secrets hidden: the value of every long flag whose name says it is a secret
 * (see `isSecretFlag`: `--password X`, `--password=X`, `--token X`, `--auth=X`, …),
 * the value of the command's secret short flags (`cache publish -p X`, `-p=X`, `-pX`), each
 * replaced by {@linkcode REDACTED}, the value of a secret-URL flag (`--webhook-url`, `--slack`,
 * `--webhook`, `monitor alert … --url`) cut to its origin (`https://hooks.slack.com/…`, see
 * `redactSecretUrl`), and the credentials of every URL (`https://user:pw@host` →
 * `https://host`). Hiding too much is harmless, so a secret flag's next word is hidden whatever it
 * looks like. Pure; the input is not changed.
 */
export function redactArgs(args: readonly string[]): string[] {
  const shorts = new Set<string>();
  for (const [route, flags] of SECRET_SHORT_FLAGS) {
    if (hasRoute(args, route)) { for (const f of flags) shorts.add(f); }
  }
  const urlFlags = new Set(SECRET_URL_FLAGS);
  for (const [route, flags] of SECRET_URL_FLAGS_BY_ROUTE) {
    if (hasRoute(args, route)) { for (const f of flags) urlFlags.add(f); }
  }
  const out: string[] = [];
  let hideNext = false;
  let urlNext = false;
  for (const arg of args) {
    if (hideNext) {
      out.push(REDACTED);
      hideNext = false;
      continue;
    }
    if (urlNext) {
      out.push(redactSecretUrl(arg));
      urlNext = false;
      continue;
    }
    if (arg.startsWith("--") && arg.length > 2) {
      const eq = arg.indexOf("=");
      const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      if (urlFlags.has(name)) {
        if (eq === -1) {
          out.push(arg);
          urlNext = true;
        } else out.push(`${arg.slice(0, eq + 1)}${redactSecretUrl(arg.slice(eq + 1))}`);
        continue;
      }
      if (isSecretFlag(name)) {
        if (eq === -1) {
          out.push(arg);
          hideNext = true;
        } else out.push(`${arg.slice(0, eq + 1)}${REDACTED}`);
        continue;
      }
    } else if (arg.startsWith("-") && !arg.startsWith("--")) {
      const flag = arg.slice(0, 2);
      if (shorts.has(flag)) {
        if (arg.length === 2) {
          out.push(arg);
          hideNext = true;
        } else out.push(`${flag}${arg[2] === "=" ? "=" : ""}${REDACTED}`);
        continue;
      }
    }
    out.push(redactUrlsIn(arg));
  }
  return out;
}

/**
 * `gestvenv ARGS…` as one line, secrets hidden ({@linkcode redactArgs}). `args` defaults to this
 * process's arguments.
 */
export function commandLine(args: readonly string[] = Deno.args): string {
  return ["gestvenv", ...redactArgs(args)].join(" ");
}

/**
 * A command line already written as one string (an operation-log line written before secrets
 * were hidden) with its secrets hidden: split at spaces, then {@linkcode redactArgs}. A secret
 * that contained a space is hidden up to that space only, so URL credentials are stripped from
 * the whole text as well.
 */
export function redactCommandLine(text: string): string {
  return redactArgs(redactUrlsIn(text).split(" ")).join(" ");
}
