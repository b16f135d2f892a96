/**
 * The dashboard's read routes: each `GET /api/v1/…` is one gestvenv command line run with
 * `--format json`, whose envelope is the response (one schema for the CLI and the API). URL parts
 * become arguments only after validation: environment names by lib/environments' rules, query
 * filters from a whitelist per route, checked by pattern; nothing that starts with `-`.
 *
 * @module
 */
import { isValidEnvironmentName } from "../environments/mod.ts";

/** A route's command line, or why the request is invalid (HTTP 400). */
export type ReadRoute =
  | { kind: "command"; args: string[] }
  | { kind: "invalid"; message: string; hint: string };

/** A query parameter a route accepts: the flag it becomes and the values it allows. */
interface QueryFlag {
  flag: string;
  /** A value pattern, or `"switch"`: `1`/`true` adds the bare flag, `0`/`false` nothing. */
  value: RegExp | "switch";
}

const SINCE = /^(\d{4}-\d{2}-\d{2}(T[0-9:.]+Z?)?|\d{1,6}[smhdw])$/;
const COUNT = /^\d{1,6}$/;
const NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,63}$/;

/** `logs` filters (`/operations`). */
const LOG_FILTERS: Record<string, QueryFlag> = {
  since: { flag: "--since", value: SINCE },
  last: { flag: "--last", value: COUNT },
  level: { flag: "--level", value: /^(error|all)$/ },
};

/** The read routes: path pattern → command words and accepted query flags. */
const ROUTES: ReadonlyArray<{
  pattern: URLPattern;
  args: (name: string | undefined) => string[];
  query?: Record<string, QueryFlag>;
}> = [
  {
    pattern: new URLPattern({ pathname: "/api/v1/environments" }),
    args: () => ["list", "--detailed"],
  },
  {
    pattern: new URLPattern({ pathname: "/api/v1/environments/:name" }),
    args: (n) => ["info", "--", n!],
  },
  {
    pattern: new URLPattern({ pathname: "/api/v1/environments/:name/packages" }),
    args: (n) => ["packages", `--env=${n}`],
  },
  {
    pattern: new URLPattern({ pathname: "/api/v1/environments/:name/tree" }),
    args: (n) => ["tree", "--", n!],
  },
  {
    pattern: new URLPattern({ pathname: "/api/v1/environments/:name/lock" }),
    args: (n) => ["packages", "--lock", `--env=${n}`],
  },
  {
    pattern: new URLPattern({ pathname: "/api/v1/environments/:name/doctor" }),
    args: (n) => ["doctor", "--", n!],
  },
  {
    pattern: new URLPattern({ pathname: "/api/v1/environments/:name/audit" }),
    args: (n) => ["audit", "security", "--", n!],
  },
  {
    pattern: new URLPattern({ pathname: "/api/v1/environments/:name/operations" }),
    args: (n) => ["logs", `--env=${n}`],
    query: LOG_FILTERS,
  },
  { pattern: new URLPattern({ pathname: "/api/v1/cache" }), args: () => ["cache", "info"] },
  {
    pattern: new URLPattern({ pathname: "/api/v1/cache/stats" }),
    args: () => ["cache", "stats"],
  },
  {
    pattern: new URLPattern({ pathname: "/api/v1/cache/entries" }),
    args: () => ["cache", "list"],
  },
  {
    pattern: new URLPattern({ pathname: "/api/v1/operations" }),
    args: () => ["logs"],
    query: { ...LOG_FILTERS, env: { flag: "--env", value: NAME } },
  },
  {
    pattern: new URLPattern({ pathname: "/api/v1/system" }),
    args: () => ["system-info"],
    query: { timeout: { flag: "--timeout", value: /^[1-9]\d?$/ } },
  },
  {
    pattern: new URLPattern({ pathname: "/api/v1/stats" }),
    args: () => ["stats"],
    query: {
      period: { flag: "--period", value: SINCE },
      trend: { flag: "--trend", value: "switch" },
      detailed: { flag: "--detailed", value: "switch" },
    },
  },
  { pattern: new URLPattern({ pathname: "/api/v1/pythons" }), args: () => ["pyversions"] },
];

/**
 * The command line of a read route (`--format json` included), an invalid request, or undefined
 * when no read route has this path. `pathname` is the URL's (percent-encoded) path.
 */
export function readRoute(pathname: string, query: URLSearchParams): ReadRoute | undefined {
  for (const route of ROUTES) {
    const match = route.pattern.exec({ pathname });
    if (match === null) continue;
    let name: string | undefined;
    const raw = match.pathname.groups["name"];
    if (raw !== undefined) {
      try {
        name = decodeURIComponent(raw);
      } catch {
        name = raw;
      }
      if (!isValidEnvironmentName(name)) {
        return {
          kind: "invalid",
          message: `Invalid environment name \`${name}\``,
          hint: "Use letters, digits, `.`, `_` and `-`, starting with a letter, digit or `_`",
        };
      }
    }
    const flags: string[] = [];
    for (const [key, value] of query) {
      const spec = route.query?.[key];
      if (spec === undefined) {
        return {
          kind: "invalid",
          message: `Unknown query parameter \`${key}\` for ${pathname}`,
          hint: route.query === undefined
            ? "This route takes no parameters"
            : `It takes: ${Object.keys(route.query).join(", ")}`,
        };
      }
      if (spec.value === "switch") {
        if (/^(1|true)$/.test(value)) flags.push(spec.flag);
        else if (!/^(0|false)$/.test(value)) {
          return {
            kind: "invalid",
            message: `\`${key}\` is 1/true or 0/false, not \`${value}\``,
            hint: `Pass ${key}=1 to turn it on, or leave it out`,
          };
        }
      } else if (!spec.value.test(value)) {
        return {
          kind: "invalid",
          message: `Invalid value for \`${key}\`: \`${value}\``,
          hint: key === "since" || key === "period"
            ? "A date (2026-11-01) or a duration (7d, 12h)"
            : key === "last"
            ? "A number"
            : "See the API reference in README (Dashboard)",
        };
      } else flags.push(`${spec.flag}=${value}`);
    }
    const args = route.args(name);
    const end = args.indexOf("--");
    const head = end === -1 ? args : args.slice(0, end);
    const tail = end === -1 ? [] : args.slice(end);
    return { kind: "command", args: [...head, ...flags, "--format", "json", ...tail] };
  }
  return undefined;
}
