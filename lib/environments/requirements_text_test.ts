import { assertEquals } from "../../tests/helpers/assert.ts";
import { dropRequirements, mergeRequirements, requirementLines } from "./requirements_text.ts";

Deno.test("requirementLines() keeps requirement lines only", () => {
  const text =
    "# c\n--index-url https://x\nflask>=3  # web\n\nrequests[socks] \\\n  ==2.32\n-r other.txt\n";
  assertEquals(requirementLines(text), ["flask>=3", "requests[socks]   ==2.32"]);
});

Deno.test("mergeRequirements() replaces by PEP 503 name and appends new ones", () => {
  assertEquals(mergeRequirements(["Flask==2", "six"], ["flask>=3", "idna"]), [
    "flask>=3",
    "six",
    "idna",
  ]);
  assertEquals(dropRequirements(["Flask==2", "six", "-e /x"], ["flask"]), ["six", "-e /x"]);
});
