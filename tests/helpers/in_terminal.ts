/**
 * Runs the CLI in a pseudo-terminal made by `script` (util-linux), so that stdin and stderr are
 * terminals and prompts are drawn; each answer is typed once its question is on screen.
 */
import { PERMISSION_FLAGS } from "../../commands/_self.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

/** Whether `script` is there to make a pseudo-terminal (tests that need one are skipped). */
export const hasScript = await new Deno.Command("script", { args: ["--version"], stdout: "null" })
  .output().then((o) => o.success, () => false);

const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;

/** Erases what a text prompt holds (200 backspaces). */
export const ERASE = "\x7f".repeat(200);

/**
 * Runs `gestvenv ARGS` in a pseudo-terminal, typing each answer after its question (any text
 * expected on screen) appears.
 *
 * @returns The exit code and the screen without its escape sequences.
 */
export async function inTerminal(
  env: Record<string, string>,
  cwd: string,
  args: string[],
  dialogue: Array<[question: string, keys: string]>,
): Promise<{ code: number; screen: string }> {
  const command = [Deno.execPath(), "run", "--quiet", ...PERMISSION_FLAGS, MAIN, ...args]
    .map(quote).join(" ");
  const child = new Deno.Command("script", {
    args: ["-qec", `stty cols 120 rows 40; exec ${command}`, "/dev/null"],
    env: { ...env, TERM: "xterm" },
    clearEnv: true,
    cwd,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let screen = "";
  const reading = (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of child.stdout) screen += decoder.decode(chunk, { stream: true });
  })();
  const writer = child.stdin.getWriter();
  // deno-lint-ignore no-control-regex -- terminal escape sequences are what is removed
  const plain = () => screen.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "");
  let seen = 0;
  for (const [question, keys] of dialogue) {
    const deadline = Date.now() + 60_000;
    // Looked for after what the previous answer matched, so a question asked again is awaited.
    while (!plain().includes(question, seen)) {
      if (Date.now() > deadline) throw new Error(`no "${question}" on screen:\n${plain()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    seen = plain().indexOf(question, seen) + question.length;
    // Past this point the question was drawn; wait for the prompt to read keys.
    await new Promise((r) => setTimeout(r, 200));
    await writer.write(new TextEncoder().encode(keys));
    await new Promise((r) => setTimeout(r, 100));
  }
  const status = await child.status;
  await writer.close().catch(() => {});
  await reading;
  await child.stderr.cancel();
  return { code: status.code, screen: plain() };
}
