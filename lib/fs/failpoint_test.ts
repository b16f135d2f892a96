import { assertEquals } from "../../tests/helpers/assert.ts";
import { failpoint, parseFailpoints } from "./failpoint.ts";

Deno.test("parseFailpoints() reads name:action items and rejects unknown actions", () => {
  const points = parseFailpoints("create.after-staging:exit, lock.held:sleep:250,x:signal:SIGINT");
  assertEquals([...points.keys()], ["create.after-staging", "lock.held", "x"]);
  assertEquals(points.get("lock.held"), { kind: "sleep", ms: 250 });
  assertEquals(points.get("x"), { kind: "signal", signal: "SIGINT" });
  let threw = false;
  try {
    parseFailpoints("a:explode");
  } catch {
    threw = true;
  }
  assertEquals(threw, true);
});

Deno.test("failpoint() does nothing for a step nobody named", async () => {
  await failpoint("never.named");
});
