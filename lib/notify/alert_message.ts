/**
 * What an alert says, whatever carries it (Slack, a webhook, an email).
 *
 * @module
 */

/** One thing an alert is about: a failed check or a vulnerability. */
export interface AlertFinding {
  /**
   * A stable identity of the finding (e.g. `check:env.interpreter:web` or
   * `vuln:web:jinja2:GHSA-…`): the same problem seen twice has the same fingerprint, which is how
   * an alert is sent at most once per finding.
   */
  fingerprint: string;
  /** `error`/`warning` for checks; `critical`/`high`/`medium`/`low`/`unknown` for vulnerabilities. */
  severity: string;
  /** One line saying what is wrong. */
  title: string;
  /** More text (the check's detail, the advisory summary), or undefined. */
  detail?: string | undefined;
  /** The command that fixes it, or undefined. */
  fix?: string | undefined;
  /** The environment concerned, or undefined for the home, the cache or the configuration. */
  environment?: string | undefined;
}

/** An alert: a subject line, a plain-text body and the findings it reports. */
export interface AlertMessage {
  /** One line: the email's subject and Slack's header (cut to 150 characters there). */
  subject: string;
  /** The plain-text body (the email's text part and Slack's fallback `text`). */
  text: string;
  /** The findings, in the order they are shown. */
  findings: readonly AlertFinding[];
}

/**
 * The plain-text body of an alert about `findings`: one paragraph per finding with its severity,
 * title, environment, detail and fix, then `footer` when given.
 */
export function alertText(
  intro: string,
  findings: readonly AlertFinding[],
  footer?: string,
): string {
  const lines = [intro, ""];
  for (const f of findings) {
    lines.push(
      `[${f.severity}] ${f.title}${f.environment === undefined ? "" : ` (${f.environment})`}`,
    );
    if (f.detail !== undefined && f.detail !== "") lines.push(`  ${f.detail}`);
    if (f.fix !== undefined && f.fix !== "") lines.push(`  fix: ${f.fix}`);
  }
  if (footer !== undefined) lines.push("", footer);
  return lines.join("\n") + "\n";
}
