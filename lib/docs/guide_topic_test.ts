import { assertEquals, assertThrows } from "../../tests/helpers/assert.ts";
import { UsageError } from "../errors/mod.ts";
import { findTopic, splitGuide, topicName } from "./guide_topic.ts";

const README = [
  "# tool",
  "",
  "Intro line.",
  "",
  "## Offline mode",
  "",
  "Works offline.",
  "",
  "```sh",
  "## not a heading inside a fence",
  "```",
  "",
  "## Offline cache: `cache add`",
  "Fill it.",
  "## Projects (pyproject.toml)",
  "Projects.",
  "## Command reference",
  "generated",
  "",
].join("\n");

Deno.test("topicName: the heading before `:` or `(`, lower case, words joined by -", () => {
  assertEquals(topicName("Offline mode"), "offline-mode");
  assertEquals(
    topicName("Project templates: `create-from-template`, `template`"),
    "project-templates",
  );
  assertEquals(topicName("Projects (pyproject.toml)"), "projects");
  assertEquals(topicName("Checking a pyproject.toml: `validate`"), "checking-a-pyproject-toml");
  assertEquals(topicName("  OFFLINE  "), "offline");
});

Deno.test("splitGuide: overview, one topic per ## outside fences, no command reference", () => {
  const topics = splitGuide(README);
  assertEquals(topics.map((t) => t.name), [
    "overview",
    "offline-mode",
    "offline-cache",
    "projects",
  ]);
  assertEquals(topics[0]!.text, "# tool\n\nIntro line.");
  assertEquals(
    topics[1]!.text,
    "## Offline mode\n\nWorks offline.\n\n```sh\n## not a heading inside a fence\n```",
  );
  assertEquals(topics[2]!.title, "Offline cache: `cache add`");
});

Deno.test("findTopic: exact name, unique prefix, ambiguous prefix and misses are usage errors", () => {
  const topics = splitGuide(README);
  assertEquals(findTopic(topics, "projects").name, "projects");
  assertEquals(findTopic(topics, "Offline Mode").name, "offline-mode");
  assertEquals(findTopic(topics, "proj").name, "projects");
  const ambiguous = assertThrows(() => findTopic(topics, "offline"), UsageError) as UsageError;
  assertEquals(ambiguous.exitCode, 2);
  assertEquals(ambiguous.hint, "Did you mean `offline-mode` or `offline-cache`?");
  const miss = assertThrows(() => findTopic(topics, "ofline-mode"), UsageError) as UsageError;
  assertEquals(miss.message, "No topic `ofline-mode` in the guide");
  assertEquals(miss.hint, "Did you mean `offline-mode`? `gestvenv docs` lists the topics.");
  const far = assertThrows(() => findTopic(topics, "zzz"), UsageError) as UsageError;
  assertEquals(far.hint, "`gestvenv docs` lists the topics.");
  // Names that are Object.prototype keys are just misses.
  assertThrows(() => findTopic(topics, "constructor"), UsageError);
  assertThrows(() => findTopic(topics, "__proto__"), UsageError);
  assertThrows(() => findTopic(topics, ""), UsageError);
});
