/**
 * What `POST /api/v1/jobs` may ask for, validated before any of it becomes a command-line word:
 * environment names by lib/environments' rules, requirements parsed as PEP 508 (lib/pep508),
 * distribution names as PEP 508 names, nothing starting with `-`, positionals after `--`, flag
 * values in the `--flag=value` form. A posted requirements file is checked line by line (PEP 508
 * requirements and comments only: no `-r`, `--index-url` or other options).
 *
 * @module
 */
import { parseDays, parseSize } from "../config/mod.ts";
import { isValidEnvironmentName } from "../environments/mod.ts";
import { isValidProjectName } from "../names/mod.ts";
import { parseRequirement } from "../pep508/mod.ts";

/** The actions a job can run (issue 13 §1 "Actions"). */
export const JOB_ACTIONS = [
  "create",
  "install",
  "uninstall",
  "update",
  "sync",
  "doctor-fix",
  "cache-clean",
  "delete",
] as const;

/** One of {@linkcode JOB_ACTIONS}. */
export type JobAction = typeof JOB_ACTIONS[number];

/**
 * A validated job: the command line to run, and the requirements text to hand it as a private
 * temporary file (`--requirement=FILE` is added before `--` by the runner).
 */
export interface JobPlan {
  /** The action asked for. */
  action: JobAction;
  /** The environment it works on, or null (`cache-clean`, `doctor-fix` of everything). */
  env: string | null;
  /** The command line, `--format json` included, with `--` before positionals. */
  args: string[];
  /** Requirements to write to a temp file and pass with `--requirement`, or null. */
  requirements: string | null;
  /**
   * `create`'s interpreter when it is a path (absolute; absent otherwise): the server runs the
   * job only when it is one of the discovered interpreters (`GET /api/v1/pythons`).
   */
  pythonPath?: string;
}

/** Whether a `python` request names a file (it holds a path separator) rather than a version. */
export function isPythonPath(python: string): boolean {
  return python.includes("/") || python.includes("\\");
}

/** Thrown for a request body that must not run (HTTP 400); the message says what was wrong. */
export class JobRequestError extends Error {
  /** What to do instead. */
  readonly hint: string;
  /** `message`: what was wrong; `hint`: what to do. */
  constructor(message: string, hint: string) {
    super(message);
    this.name = "JobRequestError";
    this.hint = hint;
  }
}

const bad = (message: string, hint: string): never => {
  throw new JobRequestError(message, hint);
};

function envName(body: Record<string, unknown>, required: boolean): string | null {
  const env = body["env"];
  if (env === undefined || env === null) {
    if (required) bad("`env` is required for this action", "Give the environment's name");
    return null;
  }
  if (typeof env !== "string" || !isValidEnvironmentName(env)) {
    bad(
      `Invalid environment name ${JSON.stringify(env)}`,
      "Use letters, digits, `.`, `_` and `-`, starting with a letter, digit or `_`",
    );
  }
  return env as string;
}

function stringList(body: Record<string, unknown>, key: string): string[] {
  const value = body[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) {
    bad(`\`${key}\` must be a list of strings`, `e.g. {"${key}": ["flask", "requests>=2"]}`);
  }
  return (value as string[]).map((v) => v.trim()).filter((v) => v !== "");
}

/** Each text parsed as a PEP 508 requirement; the trimmed texts. */
function requirementList(texts: string[]): string[] {
  for (const text of texts) {
    if (text.startsWith("-")) {
      bad(
        `\`${text}\` is an option, not a requirement`,
        "Give PEP 508 requirements (flask, requests>=2.28); options are not accepted here",
      );
    }
    try {
      parseRequirement(text);
    } catch (error) {
      bad(
        `\`${text}\` is not a PEP 508 requirement: ${(error as Error).message}`,
        'Write requirements as on the command line: flask, "requests>=2.28", uvicorn[standard]',
      );
    }
  }
  return texts;
}

/** A requirements file's text: PEP 508 requirements, comments and blank lines only. */
function requirementsText(body: Record<string, unknown>): string | null {
  const text = body["requirements"];
  if (text === undefined || text === null || text === "") return null;
  if (typeof text !== "string") return bad("`requirements` must be a string", "The file's text");
  if (text.length > 1_000_000) return bad("`requirements` is larger than 1 MB", "Send less");
  const kept: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/(^|\s)#.*$/, "").trim();
    if (line === "") return;
    if (line.startsWith("-") || line.endsWith("\\")) {
      bad(
        `requirements line ${i + 1}: \`${line}\` is an option or a continuation`,
        "Only PEP 508 requirements are accepted from the page (no -r, -e, --index-url, …)",
      );
    }
    try {
      parseRequirement(line);
    } catch (error) {
      bad(`requirements line ${i + 1}: ${(error as Error).message}`, "Fix the line");
    }
    kept.push(line);
  });
  return kept.length === 0 ? null : `${kept.join("\n")}\n`;
}

function pythonRequest(body: Record<string, unknown>): string | undefined {
  const python = body["python"];
  if (python === undefined || python === null || python === "") return undefined;
  if (
    typeof python !== "string" || python.startsWith("-") || python.length > 4096 ||
    !/^[A-Za-z0-9._/<>=!~, +:\\-]+$/.test(python)
  ) {
    bad(
      `Invalid Python request ${JSON.stringify(python)}`,
      "A version (3.12), a range (>=3.10), a name (pypy3) or an interpreter's path",
    );
  }
  if (isPythonPath(python as string) && !/^(\/|[A-Za-z]:\\)/.test(python as string)) {
    bad(
      `The Python path ${JSON.stringify(python)} is not absolute`,
      "Give one of the interpreters GET /api/v1/pythons lists, or a version such as 3.12",
    );
  }
  return python as string;
}

const isTrue = (body: Record<string, unknown>, key: string) => body[key] === true;

/**
 * Validates a `POST /api/v1/jobs` body and builds its command line (see README "Dashboard" for
 * each action's command).
 *
 * @throws {JobRequestError} For anything that is not exactly what an action takes.
 */
export function planJob(input: unknown): JobPlan {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    bad("The body must be a JSON object", `e.g. {"action": "install", "env": "web", ...}`);
  }
  const body = input as Record<string, unknown>;
  const action = body["action"];
  if (typeof action !== "string" || !(JOB_ACTIONS as readonly string[]).includes(action)) {
    bad(`Unknown action ${JSON.stringify(action)}`, `One of: ${JOB_ACTIONS.join(", ")}`);
  }
  const yes = isTrue(body, "confirm") ? ["--yes"] : [];
  const json = ["--format", "json"];
  const plan = (
    env: string | null,
    args: string[],
    requirements: string | null = null,
  ): JobPlan => ({ action: action as JobAction, env, args, requirements });
  switch (action as JobAction) {
    case "create": {
      const env = envName(body, true)!;
      const python = pythonRequest(body);
      const packages = requirementList(stringList(body, "packages"));
      const file = requirementsText(body);
      // Packages go into the requirements file too: `--packages` splits at spaces and commas,
      // which PEP 508 specifiers contain.
      const text = [...packages.map((p) => `${p}\n`), file ?? ""].join("");
      return {
        ...plan(
          env,
          [
            "create",
            ...json,
            ...yes,
            ...(python === undefined ? [] : [`--python=${python}`]),
            "--",
            env,
          ],
          text === "" ? null : text,
        ),
        ...(python !== undefined && isPythonPath(python) ? { pythonPath: python } : {}),
      };
    }
    case "install": {
      const env = envName(body, true)!;
      const packages = requirementList(stringList(body, "packages"));
      const file = requirementsText(body);
      if (packages.length === 0 && file === null) {
        bad("Nothing to install", "Give `packages` or `requirements`");
      }
      return plan(env, ["install", ...json, ...yes, `--env=${env}`, "--", ...packages], file);
    }
    case "uninstall":
    case "update": {
      const env = envName(body, true)!;
      const names = stringList(body, "packages");
      for (const name of names) {
        if (!isValidProjectName(name)) {
          bad(`\`${name}\` is not a distribution name`, "Give names only (flask, not flask>=2)");
        }
      }
      const all = action === "update" && isTrue(body, "all");
      if (names.length === 0 && !all) {
        bad(
          `Nothing to ${action}`,
          action === "update" ? "Give `packages`, or `all: true`" : "Give `packages`",
        );
      }
      return plan(env, [
        action as string,
        ...json,
        ...yes,
        `--env=${env}`,
        ...(all ? ["--all"] : []),
        "--",
        ...names,
      ]);
    }
    case "sync": {
      const env = envName(body, true)!;
      return plan(env, ["sync", ...json, ...yes, "--locked", "--", env]);
    }
    case "doctor-fix": {
      const env = envName(body, false);
      return plan(env, ["doctor", ...json, ...yes, "--fix", ...(env === null ? [] : ["--", env])]);
    }
    case "cache-clean": {
      const how: string[] = [];
      if (isTrue(body, "all")) how.push("--all");
      if (isTrue(body, "unpacked")) how.push("--unpacked");
      const days = body["older_than_days"];
      if (days !== undefined && days !== null) {
        // The CLI's own rule (`--older-than`: more than 0, at most 100 years), checked now
        // rather than by a job that fails with exit 2.
        if (typeof days !== "number" || !isQuantity(() => parseDays(days, "older_than_days"))) {
          bad("`older_than_days` must be a number of days above 0, at most 36500", "e.g. 30");
        }
        how.push(`--older-than=${days}`);
      }
      const size = body["max_size"];
      if (size !== undefined && size !== null) {
        if (
          typeof size !== "string" || !/^\d+(\.\d+)?\s*([KMGT]i?B?|B)?$/i.test(size) ||
          !isQuantity(() => parseSize(size, "max_size"))
        ) {
          bad("`max_size` must be a size of at least 1 byte such as 500MB or 2GB", 'e.g. "2GB"');
        }
        how.push(`--max-size=${size}`);
      }
      if (how.length === 0) {
        bad("Say what to clean", "Give `all`, `unpacked`, `older_than_days` or `max_size`");
      }
      return plan(null, ["cache", "clean", ...json, ...yes, ...how]);
    }
    case "delete": {
      const env = envName(body, true)!;
      if (!isTrue(body, "confirm") || body["confirm_name"] !== env) {
        bad(
          `Deleting \`${env}\` needs a confirmation`,
          "Send `confirm: true` and `confirm_name` equal to the environment's name",
        );
      }
      return plan(env, ["delete", ...json, "--yes", "--", env]);
    }
  }
}

/** Whether `parse` (a lib/config quantity parser) accepts its value. */
function isQuantity(parse: () => number): boolean {
  try {
    parse();
    return true;
  } catch {
    return false;
  }
}
