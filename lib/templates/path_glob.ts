/**
 * Whether a `/`-separated relative path matches a glob: `*` matches within one segment, `**`
 * any number of whole segments (`**` then `/*.html` matches `a.html` and `x/y/a.html`), `?` one
 * character other than `/`; anything else is literal. A glob ending in `/` matches everything below that
 * directory.
 */
export function matchesGlob(path: string, glob: string): boolean {
  const pattern = glob.endsWith("/") ? `${glob}**` : glob;
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*" && pattern[i + 1] === "*") {
      const slashAfter = pattern[i + 2] === "/";
      re += slashAfter ? "(?:[^/]*/)*" : ".*";
      i += slashAfter ? 2 : 1;
    } else if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else re += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`).test(path);
}
