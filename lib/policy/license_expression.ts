/**
 * SPDX license expressions (SPDX 2.3 Annex D: ids, `+`, `WITH` exceptions, `AND`, `OR`,
 * parentheses; `AND` binds tighter than `OR`) judged against a policy's `[licenses]` lists.
 *
 * @module
 */

/** A parsed SPDX license expression. */
export type LicenseNode =
  | { kind: "id"; id: string; exception: string | null }
  | { kind: "and" | "or"; left: LicenseNode; right: LicenseNode };

/**
 * Parses an SPDX license expression; null when it is not one (the caller treats the licence as
 * unknown rather than guessing).
 */
export function parseLicenseExpression(text: string): LicenseNode | null {
  const tokens = text.match(/\(|\)|[^\s()]+/g) ?? [];
  let at = 0;
  const peek = () => tokens[at];
  const upper = (t: string | undefined) => t?.toUpperCase();
  function primary(): LicenseNode | null {
    const token = tokens[at++];
    if (token === undefined) return null;
    if (token === "(") {
      const inner = or();
      if (inner === null || tokens[at++] !== ")") return null;
      return inner;
    }
    if (
      !/^[A-Za-z0-9][A-Za-z0-9.+:-]*$/.test(token) || ["AND", "OR", "WITH"].includes(upper(token)!)
    ) {
      return null;
    }
    let exception: string | null = null;
    if (upper(peek()) === "WITH") {
      at++;
      const e = tokens[at++];
      if (e === undefined || !/^[A-Za-z0-9][A-Za-z0-9.+:-]*$/.test(e)) return null;
      exception = e;
    }
    return { kind: "id", id: token, exception };
  }
  function and(): LicenseNode | null {
    let left = primary();
    while (left !== null && upper(peek()) === "AND") {
      at++;
      const right = primary();
      if (right === null) return null;
      left = { kind: "and", left, right };
    }
    return left;
  }
  function or(): LicenseNode | null {
    let left = and();
    while (left !== null && upper(peek()) === "OR") {
      at++;
      const right = and();
      if (right === null) return null;
      left = { kind: "or", left, right };
    }
    return left;
  }
  const node = or();
  return node !== null && at === tokens.length ? node : null;
}

/** A policy's licence lists (SPDX ids, compared without regard to case). */
export interface LicenseLists {
  /** The only licences allowed, or null for any not blocked. */
  allowed: readonly string[] | null;
  /** Licences refused. */
  blocked: readonly string[];
}

/**
 * Whether `expression` satisfies `lists`: an id passes when it is allowed (or no allowed list)
 * and not blocked (`X WITH E` is judged as `X WITH E` when that exact text is listed, else as
 * `X`); `A OR B` passes when either passes (the user may choose), `A AND B` needs both.
 * An unparseable expression passes nothing.
 */
export function licenseSatisfies(expression: string, lists: LicenseLists): boolean {
  const node = parseLicenseExpression(expression);
  if (node === null) return false;
  const allowed = lists.allowed === null
    ? null
    : new Set(lists.allowed.map((l) => l.toLowerCase()));
  const blocked = new Set(lists.blocked.map((l) => l.toLowerCase()));
  const leaf = (id: string, exception: string | null): boolean => {
    const full = exception === null ? id.toLowerCase() : `${id} WITH ${exception}`.toLowerCase();
    const base = id.toLowerCase();
    if (blocked.has(full) || blocked.has(base)) return false;
    return allowed === null || allowed.has(full) || allowed.has(base);
  };
  const judge = (n: LicenseNode): boolean =>
    n.kind === "id"
      ? leaf(n.id, n.exception)
      : n.kind === "and"
      ? judge(n.left) && judge(n.right)
      : judge(n.left) || judge(n.right);
  return judge(node);
}
