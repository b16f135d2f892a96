/**
 * The built-in guide (`gestvenv docs`): README.md's sections as topics, and finding one by name.
 *
 * @module
 */
import { closestNames, formatAlternatives } from "../names/mod.ts";
import { UsageError } from "../errors/mod.ts";

/** One topic of the guide: a `## ` section of README.md. */
export interface GuideTopic {
  /** Its name on the command line: the heading before any `:`, lower case, words joined by `-`. */
  readonly name: string;
  /** The heading as written (without `## `). */
  readonly title: string;
  /** The section's Markdown, heading included, without trailing blank lines. */
  readonly text: string;
}

/** Sections of README.md that are not topics: the reference is each command's `--help`. */
const LEFT_OUT = new Set(["command-reference"]);

/**
 * The topic name of a heading: text before the first `:` or `(`, backticks and punctuation dropped,
 * lower case, words joined by `-` (`Offline mode` → `offline-mode`, `Project templates:
 * \`create-from-template\`` → `project-templates`).
 */
export function topicName(heading: string): string {
  return heading.split(/[:(]/)[0]!.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
}

/**
 * Splits a README into topics: `overview` (the text before the first `## `), then one per `## `
 * heading outside fenced code blocks, except the command reference.
 */
export function splitGuide(readme: string): GuideTopic[] {
  const topics: GuideTopic[] = [];
  let title = "Overview";
  let lines: string[] = [];
  let fenced = false;
  const flush = () => {
    const name = topicName(title);
    const text = lines.join("\n").replace(/\s+$/, "");
    if (!LEFT_OUT.has(name) && text.trim() !== "") topics.push({ name, title, text });
  };
  for (const line of readme.split("\n")) {
    if (/^(```|~~~)/.test(line)) fenced = !fenced;
    if (!fenced && line.startsWith("## ")) {
      flush();
      title = line.slice(3).trim();
      lines = [line];
    } else lines.push(line);
  }
  flush();
  return topics;
}

/**
 * The topic `query` names: the exact name, else the one topic whose name starts with it.
 *
 * @throws {UsageError} (exit 2) When no topic or several topics match, with the closest names or
 *   the candidates and `gestvenv docs` as the hint.
 */
export function findTopic(topics: readonly GuideTopic[], query: string): GuideTopic {
  const wanted = topicName(query);
  const exact = topics.find((t) => t.name === wanted);
  if (exact !== undefined) return exact;
  const prefixed = wanted === "" ? [] : topics.filter((t) => t.name.startsWith(wanted));
  if (prefixed.length === 1) return prefixed[0]!;
  if (prefixed.length > 1) {
    throw new UsageError(`\`${query}\` matches several topics`, {
      hint: `Did you mean ${formatAlternatives(prefixed.map((t) => t.name))}?`,
    });
  }
  const close = closestNames(wanted, topics.map((t) => t.name));
  throw new UsageError(`No topic \`${query}\` in the guide`, {
    hint: (close.length > 0 ? `Did you mean ${formatAlternatives(close)}? ` : "") +
      "`gestvenv docs` lists the topics.",
  });
}
