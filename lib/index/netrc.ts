/**
 * `~/.netrc` credentials (the format of `ftp(1)`/curl that pip and uv read): `machine`,
 * `login`, `password`, `default` tokens, whitespace-separated, possibly on several lines.
 *
 * @module
 */

/** Login and password for one host. */
export interface Credentials {
  /** The user name (`login` token). */
  login: string;
  /** The password (`password` token). */
  password: string;
}

/** Parses netrc text into host → credentials (`default` stored under `""`). */
export function parseNetrc(text: string): Map<string, Credentials> {
  const tokens = text.replace(/#.*$/gm, "").split(/\s+/).filter((t) => t !== "");
  const out = new Map<string, Credentials>();
  let host: string | undefined;
  let entry: Partial<Credentials> = {};
  const flush = () => {
    if (host !== undefined && entry.login !== undefined) {
      out.set(host, { login: entry.login, password: entry.password ?? "" });
    }
    entry = {};
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t === "machine") {
      flush();
      host = tokens[++i];
    } else if (t === "default") {
      flush();
      host = "";
    } else if (t === "login") entry.login = tokens[++i] ?? "";
    else if (t === "password") entry.password = tokens[++i] ?? "";
    else if (t === "account" || t === "macdef") i++;
  }
  flush();
  return out;
}
