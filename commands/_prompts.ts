/**
 * `--interactive`: the questions `generate` asks about a new project (name, version,
 * description, author, license, Python), with `@clack/prompts` (loaded only when asking). They
 * are asked only when stdin and stderr are terminals (libraries.md §3: clack never resolves on a
 * piped stdin); otherwise the defaults are used and a note on stderr says so. Prompts are drawn
 * on stderr, so stdout stays data.
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
  const clack = await import("npm:@clack/prompts@1.9.0");
  const process = (await import("node:process")).default;
  const { isValidProjectName } = await import("../lib/pep508/mod.ts");
  const { parseVersion, parseSpecifierSet } = await import("../lib/pep440/mod.ts");
  const { checkLicenseExpression } = await import("../lib/pyproject/mod.ts");
  const io = { input: process.stdin, output: process.stderr };
  const ask = async (
    message: string,
    initial: string,
    check?: (value: string) => string | undefined,
  ): Promise<string> => {
    const answer = await clack.text({
      ...io,
      message,
      initialValue: initial,
      validate: (value) => check?.((value ?? "").trim()),
    });
    if (clack.isCancel(answer)) {
      clack.cancel("Nothing was written", io);
      throw new InterruptedError("SIGINT", { hint: "Run it again to answer the questions" });
    }
    return answer.trim();
  };
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
