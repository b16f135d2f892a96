import {
  type Application,
  buildChoiceParser,
  buildCommand,
  proposeCompletions,
} from "npm:@stricli/core@1.3.0";
import {
  action,
  type CliContext,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "./_context.ts";
import { type CompletionContext, examples } from "./_help.ts";
import { selfCommand } from "./_self.ts";
import { findExecutable } from "../lib/paths/mod.ts";

const SHELLS = ["bash", "zsh", "fish", "powershell"] as const;

/** `gestvenv completion SHELL`: the completion script (@bomb.sh/tab's scripts). */
export const completionCommand = buildCommand<GlobalFlags, [(typeof SHELLS)[number]], CliContext>({
  docs: {
    brief: "Print a shell completion script: bash, zsh, fish or powershell",
    fullDescription: examples([
      ["gestvenv completion bash > ~/.local/share/bash-completion/completions/gestvenv", "bash"],
      ["gestvenv completion zsh > ~/.zfunc/_gestvenv", "zsh"],
      ["gestvenv completion fish > ~/.config/fish/completions/gestvenv.fish", "fish"],
    ]),
  },
  parameters: {
    flags: GLOBAL_FLAGS,
    aliases: GLOBAL_ALIASES,
    positional: {
      kind: "tuple",
      parameters: [{ brief: "Shell", parse: buildChoiceParser(SHELLS), placeholder: "shell" }],
    },
  },
  func: action("completion", async (_ctx, _flags: GlobalFlags, shell: (typeof SHELLS)[number]) => {
    const { script } = await import("npm:@bomb.sh/tab@0.0.22");
    const exe = (await findExecutable("gestvenv")) !== undefined
      ? "gestvenv"
      : selfCommand().join(" ");
    script(shell, "gestvenv", exe);
  }, { effect: "reads" }),
});

/**
 * The hidden `complete -- WORDS...` command the completion scripts call: stricli proposes
 * completions for the partial command line; they are printed in tab's protocol (`value\tbrief`
 * lines, then `:4`, "no file completion").
 */
export function buildCompleteCommand(app: () => Application<CliContext>) {
  return buildCommand({
    docs: { brief: "Completion requests from the shell scripts" },
    parameters: {
      positional: {
        kind: "array",
        parameter: { brief: "Words", parse: String, placeholder: "word" },
      },
    },
    async func(this: CliContext, _flags: Record<never, never>, ...words: string[]) {
      const inputs = words.length === 0 ? [""] : words;
      const context: CliContext & CompletionContext = { ...this, completionWords: inputs };
      const proposals = await proposeCompletions(app(), inputs, context);
      const lines = proposals.map((p) => `${p.completion}\t${"brief" in p ? p.brief : ""}`);
      this.process.stdout.write([...lines, ":4", ""].join("\n"));
    },
  });
}
