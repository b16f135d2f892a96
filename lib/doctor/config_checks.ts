/**
 * Checks of the configuration file (`config.toml`): it parses, every value is valid, every key
 * is known, and no credentials sit in it in plain text.
 *
 * @module
 */
import { parse } from "npm:smol-toml@1.9.1";
import { flattenConfig, validateConfig } from "../config/mod.ts";
import { type DoctorCheck, ok } from "./doctor_check.ts";

const SUBJECT = "configuration";

/** Keys (dotted) whose string values carry credentials in a URL (`scheme://user:secret@host`). */
function credentialKeys(doc: Record<string, unknown>): string[] {
  const found: string[] = [];
  const visit = (key: string, value: unknown) => {
    if (typeof value === "string") {
      if (/^[a-z][a-z0-9+.-]*:\/\/[^/@\s]*:[^/@\s]+@/i.test(value)) found.push(key);
    } else if (Array.isArray(value)) {
      value.forEach((v) => visit(key, v));
    }
  };
  for (const [key, value] of Object.entries(doc)) visit(key, value);
  return [...new Set(found)];
}

/**
 * `config.file`, `config.unknown_keys` and `config.credentials` findings for the configuration
 * file at `path` (a missing file is fine: the defaults apply). Read-only; requires
 * `--allow-read`.
 */
export async function checkConfig(path: string): Promise<DoctorCheck[]> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      return [ok("config.file", SUBJECT, `no ${path}: the defaults apply`)];
    }
    return [{
      id: "config.file",
      severity: "error",
      subject: SUBJECT,
      message: `${path} cannot be read: ${(error as Error).message}`,
    }];
  }
  let doc: Record<string, unknown>;
  try {
    doc = flattenConfig(parse(text) as Record<string, unknown>);
  } catch (error) {
    return [{
      id: "config.file",
      severity: "error",
      subject: SUBJECT,
      message: `${path} is not valid TOML: ${(error as Error).message}`,
      fix: { command: "gestvenv config init --force (after moving the file away)" },
    }];
  }
  const checks: DoctorCheck[] = [];
  let unknown: string[] = [];
  try {
    unknown = validateConfig(doc, path).unknown;
    checks.push(ok("config.file", SUBJECT, `${path} is valid`));
  } catch (error) {
    checks.push({
      id: "config.file",
      severity: "error",
      subject: SUBJECT,
      message: (error as Error).message,
      fix: { command: "gestvenv config set KEY VALUE" },
    });
  }
  if (unknown.length > 0) {
    checks.push({
      id: "config.unknown_keys",
      severity: "warning",
      subject: SUBJECT,
      message: `unknown keys (ignored): ${
        unknown.join(", ")
      }; a misspelling? remove them from ${path}`,
      fix: { command: "gestvenv config show" },
      items: unknown,
    });
  }
  const secrets = credentialKeys(doc);
  if (secrets.length > 0) {
    checks.push({
      id: "config.credentials",
      severity: "warning",
      subject: SUBJECT,
      message: `credentials in plain text in ${
        secrets.join(", ")
      }: keep them in ~/.netrc and the URL without them`,
      items: secrets,
    });
  }
  return checks;
}
