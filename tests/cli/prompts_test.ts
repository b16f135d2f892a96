/**
 * `commands/_prompts.ts` without a terminal (as in every test run and every pipe): each question
 * returns its default at once, never waiting on stdin. The questions on a real terminal are
 * tests/cli/interactive_test.ts.
 */
import { assertEquals } from "../helpers/assert.ts";
import { askChoice, askText, askYesNo, canPrompt } from "../../commands/_prompts.ts";

Deno.test("prompts without a terminal return their defaults", async () => {
  if (canPrompt()) return; // run from a terminal by hand: nothing to prove here
  assertEquals(await askText("Name", "demo", () => "always refused"), "demo");
  assertEquals(
    await askChoice(
      "Framework",
      [{ value: "flask" }, { value: "fastapi", hint: "async" }],
      "fastapi",
    ),
    "fastapi",
  );
  assertEquals(await askYesNo("Docker?", false), false);
  assertEquals(await askYesNo("Tests?", true), true);
});
