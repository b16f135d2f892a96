/**
 * The one prompt module of the CLI, on `@clack/prompts` (loaded only when asking): a text
 * question with a default (`askText`), a choice among values (`askChoice`), a yes/no question
 * (`askYesNo`), and the questions `generate --interactive` asks about a new project
 * (`askProjectMetadata`). Questions are asked only when stdin and stderr are terminals
 * (`canPrompt`; libraries.md §3: clack never resolves on a piped stdin); otherwise each returns
 * its default, and the caller says so. Prompts are drawn on stderr, so stdout stays data. A
 * cancelled question (Ctrl-C, Escape) throws `InterruptedError` (exit 130).
 *
 * @module
 */
import { InterruptedError } from "../lib/errors/mod.ts";
import type { ProjectMetadata } from "../lib/convert/mod.ts";
import type { CommandContext } from "./_context.ts";

/** Whether prompts can be shown: stdin and stderr are terminals. */
export function canPrompt(): boolean {
  return Deno.stdin.isTerminal() && Deno.stderr.isTerminal();
}

type Clack = typeof import("npm:@clack/prompts@1.9.0");
type ClackIo = Parameters<Clack["intro"]>[1] & object;

async function clackIo(): Promise<{ clack: Clack; io: ClackIo }> {
  const clack = await import("npm:@clack/prompts@1.9.0");
  const process = (await import("node:process")).default;
  return { clack, io: { input: process.stdin, output: process.stderr } as ClackIo };
}

function answered<T>(clack: Clack, io: ClackIo, answer: T): Exclude<T, symbol> {
  if (clack.isCancel(answer)) {
    clack.cancel("Nothing was written", io);
    throw new InterruptedError("SIGINT", { hint: "Run it again to answer the questions" });
  }
  return answer as Exclude<T, symbol>;
}

/**
 * Asks for a line of text, showing `initial` (Enter keeps it); `check` returns a message for an
 * answer it refuses (asked again), or undefined. Without a terminal, returns `initial`.
 *
 * @returns The answer, trimmed.
 * @throws {InterruptedError} (exit 130) When the user cancels.
 */
export async function askText(
  message: string,
  initial: string,
  check?: (value: string) => string | undefined,
): Promise<string> {
  if (!canPrompt()) return initial;
  const { clack, io } = await clackIo();
  const answer = await clack.text({
    ...io,
    message,
    initialValue: initial,
    validate: (value) => check?.((value ?? "").trim()),
  });
  return answered(clack, io, answer).trim();
}

/** One choice of {@linkcode askChoice}. */
export interface Choice<T extends string> {
  /** What is returned. */
  value: T;
  /** What is shown (default: `value`). */
  label?: string;
  /** A short explanation shown beside it. */
  hint?: string;
}

/**
 * Asks to pick one of `choices` (arrow keys, Enter), `initial` selected first. Without a
 * terminal, returns `initial`.
 *
 * @throws {InterruptedError} (exit 130) When the user cancels.
 */
export async function askChoice<T extends string>(
  message: string,
  choices: Choice<T>[],
  initial: T,
): Promise<T> {
  if (!canPrompt()) return initial;
  const { clack, io } = await clackIo();
  const options = choices.map((c) => ({
    value: c.value,
    label: c.label ?? c.value,
    ...(c.hint === undefined ? {} : { hint: c.hint }),
  }));
  // deno-lint-ignore no-explicit-any
  const answer = await clack.select<T>({ ...io, message, initialValue: initial, options } as any);
  return answered(clack, io, answer);
}

/**
 * Asks a yes/no question, `initial` preselected. Without a terminal, returns `initial`.
 *
 * @throws {InterruptedError} (exit 130) When the user cancels.
 */
export async function askYesNo(message: string, initial: boolean): Promise<boolean> {
  if (!canPrompt()) return initial;
  const { clack, io } = await clackIo();
  const answer = await clack.confirm({ ...io, message, initialValue: initial });
  return answered(clack, io, answer);
}

/** `Name <email>` → its parts (either may be missing). */
export function parseAuthor(text: string): { name?: string; email?: string } {
  const m = /^\s*(.*?)\s*<([^>]*)>\s*$/.exec(text);
  if (m === null) return text.trim() === "" ? {} : { name: text.trim() };
  const out: { name?: string; email?: string } = {};
  if (m[1]) out.name = m[1];
  if (m[2]) out.email = m[2];
  return out;
}

/** `Name <email>` of an author, or "". */
export function formatAuthor(author: ProjectMetadata["author"]): string {
  if (author === undefined) return "";
  if (author.name && author.email) return `${author.name} <${author.email}>`;
  return author.name ?? (author.email ? `<${author.email}>` : "");
}

/**
 * Asks for the project's identity on the terminal, each question showing its default (Enter
 * keeps it), each answer checked (a PEP 508 name, a PEP 440 version, an SPDX license expression,
 * PEP 440 specifiers for Python). Without a terminal, returns `defaults` and says so on stderr.
 *
 * @throws {InterruptedError} (exit 130) When the user cancels (Ctrl-C or Escape).
 */
export async function askProjectMetadata(
  ctx: CommandContext,
  defaults: ProjectMetadata,
): Promise<ProjectMetadata> {
  if (!canPrompt()) {
    ctx.printer.warn(
      "--interactive: stdin or stderr is not a terminal, so nothing is asked; using the " +
        `defaults (name ${defaults.name}, version ${defaults.version}` +
        (defaults.author ? `, author ${formatAuthor(defaults.author)}` : "") +
        (defaults.requiresPython ? `, Python ${defaults.requiresPython}` : "") +
        "). Give --name, or run it in a terminal",
    );
    return defaults;
  }
  const { clack, io } = await clackIo();
  const { isValidProjectName } = await import("../lib/pep508/mod.ts");
  const { parseVersion, parseSpecifierSet } = await import("../lib/pep440/mod.ts");
  const { checkLicenseExpression } = await import("../lib/pyproject/mod.ts");
  const ask = askText;
  const throws = (fn: () => unknown) => {
    try {
      fn();
      return false;
    } catch {
      return true;
    }
  };
  clack.intro("New pyproject.toml", io);
  const name = await ask(
    "Project name",
    defaults.name,
    (v) =>
      isValidProjectName(v)
        ? undefined
        : "Letters, digits, `.`, `_` and `-`, starting and ending with a letter or digit",
  );
  const version = await ask(
    "Version",
    defaults.version,
    (v) => throws(() => parseVersion(v)) ? "Not a PEP 440 version (e.g. 0.1.0)" : undefined,
  );
  const description = await ask("Description", defaults.description ?? "");
  const author = await ask("Author (Name <email>)", formatAuthor(defaults.author));
  const license = await ask("License (SPDX expression, empty for none)", defaults.license ?? "", (
    v,
  ) => {
    if (v === "") return undefined;
    const problems = checkLicenseExpression(v);
    return problems.length === 0 ? undefined : problems[0]!.message;
  });
  const requiresPython = await ask(
    "Python (requires-python)",
    defaults.requiresPython ?? "",
    (v) =>
      v === "" || !throws(() => parseSpecifierSet(v))
        ? undefined
        : "PEP 440 specifiers, e.g. >=3.10",
  );
  clack.outro("Writing pyproject.toml", io);
  return {
    ...defaults,
    name,
    version,
    description,
    author: parseAuthor(author),
    license,
    requiresPython,
  };
}
