import { assert, assertEquals } from "../../tests/helpers/assert.ts";
import type { CommandRunOptions } from "./jobs.ts";
import { startDashboard } from "./server.ts";

Deno.test("startDashboard: in-process reads are bounded (4 at once, 64 waiting, then 503 busy)", async () => {
  let running = 0;
  let most = 0;
  const waiting: (() => void)[] = [];
  const server = await startDashboard({
    host: "127.0.0.1",
    port: 0,
    readOnly: true,
    version: "0",
    home: "/nonexistent",
    run: async (_args: readonly string[], _options: CommandRunOptions) => {
      running++;
      most = Math.max(most, running);
      await new Promise<void>((resolve) => waiting.push(resolve));
      running--;
      return { code: 0, stdout: "{}\n", stderr: "" };
    },
  });
  try {
    const get = () =>
      fetch(`http://127.0.0.1:${server.port}/api/v1/environments`, {
        headers: { authorization: `token ${server.token}` },
      });
    const first = Array.from({ length: 68 }, get);
    for (let i = 0; i < 100 && waiting.length < 4; i++) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 100));
    const refused = await get();
    assertEquals(refused.status, 503);
    const body = await refused.json();
    assertEquals(body.errors[0].code, "busy");
    assert(body.errors[0].hint !== null);
    // Release them all, as they arrive.
    const releaser = setInterval(() => waiting.splice(0).forEach((r) => r()), 5);
    const statuses = await Promise.all(first.map(async (p) => {
      const response = await p;
      await response.body?.cancel();
      return response.status;
    }));
    clearInterval(releaser);
    assertEquals(statuses.filter((s) => s === 200).length, 68, "every waiting read ran");
    assertEquals(most, 4, "never more than 4 at once");
  } finally {
    await server.stop();
  }
});
