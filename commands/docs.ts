import { buildCommand } from "npm:@stricli/core@1.3.0";
import { findTopic, GUIDE_TOPICS } from "../lib/docs/mod.ts";
import {
  action,
  type CliContext,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "./_context.ts";
import { examples, optionalText } from "./_help.ts";

/** The first sentence-ish line of a topic's body, for the list. */
function summary(text: string): string {
  const body = text.split("\n").slice(1).find((l) => l.trim() !== "" && !l.startsWith("#")) ?? "";
  const plain = body.replace(/[`*]/g, "").replace(/\[([^\]]*)\]\([^)]*\)/g, "$1").trim();
  return plain.length > 72 ? `${plain.slice(0, 71)}…` : plain;
}

/** `gestvenv docs [TOPIC]`: the built-in guide (README's sections, embedded; no network). */
export const docsCommand = buildCommand<GlobalFlags, [string | undefined], CliContext>({
  docs: {
    brief: "Read the built-in guide (embedded, works offline)",
    fullDescription: "Without TOPIC, lists the topics; with one, prints it (a unique prefix is " +
      "enough: `docs offline`).\n\n" +
      examples([
        ["gestvenv docs", "the topics"],
        ["gestvenv docs offline", "the `offline-mode` topic"],
        ["gestvenv docs --format json", "the topics, for scripts"],
      ]),
  },
  parameters: {
    flags: GLOBAL_FLAGS,
    aliases: GLOBAL_ALIASES,
    positional: {
      kind: "tuple",
      parameters: [{
        ...optionalText("Topic name or its start (see `gestvenv docs`)", "topic"),
        proposeCompletions: () => GUIDE_TOPICS.map((t) => t.name),
      }],
    },
  },
  func: action("docs", async (ctx, _flags: GlobalFlags, query: string | undefined) => {
    const format = formatFor(ctx, ["table", "json"], "table");
    if (query === undefined) {
      if (format === "json") {
        ctx.printer.json(
          "docs",
          GUIDE_TOPICS.map((t) => ({ name: t.name, title: t.title, summary: summary(t.text) })),
        );
        return;
      }
      await ctx.printer.table(
        ["Topic", "Title"],
        GUIDE_TOPICS.map((t) => [t.name, t.title.replace(/`/g, "")]),
      );
      ctx.printer.info("Read one with `gestvenv docs TOPIC`.");
      return;
    }
    const topic = findTopic(GUIDE_TOPICS, query);
    if (format === "json") {
      ctx.printer.json("docs", { name: topic.name, title: topic.title, text: topic.text });
      return;
    }
    ctx.printer.data(topic.text);
  }, { effect: "reads" }),
});
