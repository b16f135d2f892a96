/**
 * The allowed-sources check (issue 12 §3, `security.allowed_sources`): a location outside the
 * list is refused before any request, naming the location (credentials removed), the rule and
 * where it was set, and the fix.
 *
 * @module
 */
import { type AllowedSources, allowingRule } from "../config/mod.ts";
import { EXIT_CODE, GestvenvError } from "../errors/mod.ts";
import { redactUrl } from "./http_client.ts";

/**
 * What a refused location is, which decides the exit code: a configured index or find-links
 * location is a configuration problem (exit 10); a requirement's URL or path, a lock's file URL
 * or a redirect target is refused as an operation (exit 1).
 */
export type SourceKind =
  | "index"
  | "extra index"
  | "find-links location"
  | "requirement"
  | "lock file URL"
  | "redirect target"
  | "URL";

/** A location outside `security.allowed_sources` (exit 10 for configuration, else 1). */
export class SourceNotAllowedError extends GestvenvError {
  /** The location, credentials removed. */
  readonly location: string;
  /** What the location was (an index, a requirement, …). */
  readonly kind: SourceKind;
  /**
   * Creates the error.
   * @param location The refused location (credentials are removed here).
   * @param kind What it was.
   * @param sources The list that refused it.
   * @param configured Whether it came from the configuration (exit 10) rather than an input.
   */
  constructor(location: string, kind: SourceKind, sources: AllowedSources, configured: boolean) {
    const shown = redactUrl(location);
    const listed = sources.rules.map((r) => r.entry).join(", ") || "nothing";
    super(
      `The ${kind} ${shown} is not an allowed source (${sources.origin} allows ${listed})`,
      configured ? EXIT_CODE.CONFIG : EXIT_CODE.GENERAL,
      "source_not_allowed",
      {
        hint: configured
          ? `Use an index the list allows, or add its host with \`gestvenv config set security.allowed_sources "${
            [...sources.rules.map((r) => r.entry), hostOf(shown)].join(" ")
          }"\``
          : `Take it from an allowed source, or add its host to security.allowed_sources (\`gestvenv config get security.allowed_sources\`)`,
      },
    );
    this.location = shown;
    this.kind = kind;
  }
}

/** `host[:port]` of a URL, or `file:<path>` for a local location, for hints. */
function hostOf(location: string): string {
  try {
    const url = new URL(location);
    if (url.protocol === "file:") return `file:${decodeURIComponent(url.pathname)}`;
    return url.host;
  } catch {
    return `file:${location}`;
  }
}

/**
 * Refuses `location` unless `sources` allows it (nothing is checked when `sources` is
 * undefined: no list is configured).
 * @param configured The location comes from the configuration (exit 10), not an input (exit 1).
 * @throws {SourceNotAllowedError} when no rule allows it.
 */
export function assertSourceAllowed(
  location: string,
  sources: AllowedSources | undefined,
  kind: SourceKind,
  configured = false,
): void {
  if (sources === undefined) return;
  if (allowingRule(location, sources) !== undefined) return;
  throw new SourceNotAllowedError(location, kind, sources, configured);
}
