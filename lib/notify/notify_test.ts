import {
  assert,
  assertEquals,
  assertRejects,
  assertStringIncludes,
} from "../../tests/helpers/assert.ts";
import { startWebhookReceiver } from "../../tests/helpers/webhook_receiver.ts";
import { makeTestCa, startSmtpServer } from "../../tests/helpers/smtp_server.ts";
import { ConfigError, type GestvenvError, NetworkError } from "../errors/mod.ts";
import {
  type AlertMessage,
  alertText,
  loadSmtpConfig,
  parseSmtpConfig,
  redactSecretUrl,
  sendEmail,
  sendSlack,
  sendWebhook,
  webhookPayload,
} from "./mod.ts";

const findings = [
  {
    fingerprint: "check:env.interpreter:web",
    severity: "error",
    title: "Interpreter missing <python3.12>",
    environment: "web",
    fix: "gestvenv repair web",
  },
  { fingerprint: "vuln:web:jinja2:GHSA-1", severity: "high", title: "jinja2 2.10 & GHSA-1" },
];
const message: AlertMessage = {
  subject: "gestvenv: 2 problems on host",
  text: alertText("gestvenv found 2 problems:", findings),
  findings,
};

Deno.test("sendSlack posts Slack's incoming-webhook JSON: text and escaped blocks", async () => {
  const receiver = startWebhookReceiver();
  try {
    const result = await sendSlack(`${receiver.url}/services/T0/B0/SECRET`, message);
    assertEquals(result, { attempts: 1, status: 200 });
    assertEquals(receiver.requests.length, 1);
    const request = receiver.requests[0]!;
    assertEquals(request.method, "POST");
    assertEquals(request.path, "/services/T0/B0/SECRET");
    assertStringIncludes(request.headers["content-type"]!, "application/json");
    const body = request.json as { text: string; blocks: Array<Record<string, unknown>> };
    assertStringIncludes(body.text, "gestvenv: 2 problems on host");
    assertStringIncludes(body.text, "fix: gestvenv repair web");
    // The fallback text is escaped as the blocks are: no `<!channel>` from a finding's title.
    assertStringIncludes(body.text, "&lt;python3.12&gt;");
    assertStringIncludes(body.text, "jinja2 2.10 &amp; GHSA-1");
    assert(!body.text.includes("<") && !body.text.includes("> "), body.text);
    assertEquals(body.blocks[0], {
      type: "header",
      text: { type: "plain_text", text: "gestvenv: 2 problems on host", emoji: false },
    });
    assertEquals(body.blocks[1], {
      type: "section",
      text: {
        type: "mrkdwn",
        text:
          "*[error]* Interpreter missing &lt;python3.12&gt; (`web`)\nfix: `gestvenv repair web`",
      },
    });
    assertEquals(body.blocks[2], {
      type: "section",
      text: { type: "mrkdwn", text: "*[high]* jinja2 2.10 &amp; GHSA-1" },
    });
    assertEquals(body.blocks.length, 3);
  } finally {
    await receiver.close();
  }
});

Deno.test("sendWebhook retries 5xx and succeeds; posts the document as given", async () => {
  const receiver = startWebhookReceiver(["error", "error", "ok"]);
  try {
    const payload = webhookPayload(message, "health-check", new Date(0), "box");
    const result = await sendWebhook(`${receiver.url}/hook`, payload, { backoffMs: 1 });
    assertEquals(result, { attempts: 3, status: 200 });
    assertEquals(receiver.requests.length, 3);
    assertEquals(receiver.requests[2]!.json, JSON.parse(JSON.stringify(payload)));
    assertEquals((receiver.requests[2]!.json as { time: string }).time, "1970-01-01T00:00:00.000Z");
  } finally {
    await receiver.close();
  }
});

Deno.test("sendWebhook: a receiver that keeps failing is a NetworkError without the secret URL", async () => {
  const receiver = startWebhookReceiver("error");
  try {
    const url = `${receiver.url}/hooks/TOPSECRET?key=abc123`;
    const error = await assertRejects(
      () => sendWebhook(url, { a: 1 }, { backoffMs: 1, maxRetries: 2 }),
      NetworkError,
    );
    assertEquals((error as GestvenvError).exitCode, 5);
    assertEquals(receiver.requests.length, 3);
    assertStringIncludes(error.message, "after 3 attempts (HTTP 500: internal error)");
    assertStringIncludes(error.message, `${receiver.url}/…`);
    assert(!error.message.includes("TOPSECRET") && !error.message.includes("abc123"));
  } finally {
    await receiver.close();
  }
});

Deno.test("sendWebhook: a 410 is not retried and says the URL is no longer valid", async () => {
  const receiver = startWebhookReceiver("gone");
  try {
    const error = await assertRejects(
      () => sendSlack(`${receiver.url}/services/X`, message, { backoffMs: 1 }),
      NetworkError,
    );
    assertEquals(receiver.requests.length, 1);
    assertStringIncludes(error.message, "refused the alert (HTTP 410: channel_is_archived)");
    assertStringIncludes((error as GestvenvError).hint ?? "", "no longer valid");
  } finally {
    await receiver.close();
  }
});

Deno.test("sendWebhook: a receiver that hangs times out per attempt", async () => {
  const receiver = startWebhookReceiver("hang");
  try {
    const started = performance.now();
    const error = await assertRejects(
      () => sendWebhook(`${receiver.url}/h`, {}, { timeoutMs: 200, maxRetries: 1, backoffMs: 1 }),
      NetworkError,
    );
    const took = performance.now() - started;
    assertStringIncludes(error.message, "no answer within 200 ms");
    assertEquals(receiver.requests.length, 2);
    assert(took >= 400 && took < 5000, `took ${took} ms`);
  } finally {
    await receiver.close();
  }
});

Deno.test("redactSecretUrl keeps the origin only", () => {
  assertEquals(
    redactSecretUrl("https://hooks.slack.com/services/T0/B0/XYZ"),
    "https://hooks.slack.com/…",
  );
  assertEquals(redactSecretUrl("https://u:p@example.com:8443/x?y"), "https://example.com:8443/…");
  assertEquals(redactSecretUrl("not a url"), "…");
});

Deno.test("parseSmtpConfig: missing and invalid fields are ConfigErrors naming the field", async () => {
  const cases: Array<[unknown, string]> = [
    [{ from: "a@x.org", to: "b@x.org" }, 'missing field "host"'],
    [{ host: "h", to: "b@x.org" }, 'missing field "from"'],
    [{ host: "h", from: "a@x.org" }, 'missing field "to"'],
    [{ host: "h", from: "a@x.org", to: [] }, 'field "to" must be'],
    [{ host: "h", from: "a@x.org", to: "b@x.org\r\nBcc: c@x.org" }, 'field "to" holds an invalid'],
    [{ host: "h", from: "a@x.org", to: "b@x.org", port: 0 }, 'field "port"'],
    [{ host: "h", from: "a@x.org", to: "b@x.org", hots: "x" }, 'unknown field "hots"'],
    [
      { host: "h", from: "a@x.org", to: "b@x.org", username: "u", password: "p", starttls: false },
      "refusing to send the SMTP password without TLS",
    ],
    [
      { host: "h", from: "a@x.org", to: "b@x.org", username: "u", password_env: "NOPE_UNSET" },
      'field "password_env" names the variable NOPE_UNSET, which is not set',
    ],
    [{ host: "h", from: "a@x.org", to: "b@x.org", password: "p" }, 'missing field "username"'],
  ];
  for (const [data, expected] of cases) {
    const error = await assertRejects(
      () => parseSmtpConfig("/x/smtp.json", data, () => undefined),
      ConfigError,
    );
    assertStringIncludes(error.message, expected);
    assertEquals((error as GestvenvError).exitCode, 10);
  }
  const ok = await parseSmtpConfig(
    "/x/smtp.json",
    {
      host: "h",
      from: "a@x.org",
      to: "b@x.org",
      username: "u",
      password_env: "P",
      starttls: false,
      insecure: true,
    },
    (name) => name === "P" ? "secret" : undefined,
  );
  assertEquals(ok.password, "secret");
  assertEquals(ok.port, 587);
  assertEquals(ok.to, ["b@x.org"]);
});

Deno.test("loadSmtpConfig: a missing file and bad JSON are ConfigErrors", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await assertRejects(() => loadSmtpConfig(`${dir}/none.json`), ConfigError, "Cannot read");
    await Deno.writeTextFile(`${dir}/bad.json`, "{host:");
    await assertRejects(() => loadSmtpConfig(`${dir}/bad.json`), ConfigError, "not valid JSON");
    // V8's message quotes the text near the error: the password must not reach the message.
    await Deno.writeTextFile(
      `${dir}/pw.json`,
      '{"host":"h","from":"a@b.c","to":["d@e.f"],"username":"u","password":hunter2SECRETPW}',
    );
    const error = await assertRejects(() => loadSmtpConfig(`${dir}/pw.json`), ConfigError);
    assert(!`${error.message} ${(error as ConfigError).hint}`.includes("hunter2"), error.message);
    await Deno.writeTextFile(`${dir}/comma.json`, '{\n"host": "h",\n}');
    await assertRejects(
      () => loadSmtpConfig(`${dir}/comma.json`),
      ConfigError,
      "comma.json is not valid JSON (line 3, column 1)",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

const smtpTest = { sanitizeOps: false, sanitizeResources: false };

Deno.test({
  name: "sendEmail: STARTTLS with a private CA and AUTH delivers the alert",
  ...smtpTest,
  fn: async () => {
    const dir = await Deno.makeTempDir();
    const certs = await makeTestCa(`${dir}/tls`);
    const server = await startSmtpServer(certs, { auth: { user: "alice", pass: "pw" } });
    try {
      await Deno.writeTextFile(
        `${dir}/smtp.json`,
        JSON.stringify({
          host: "127.0.0.1",
          port: server.port,
          from: "gestvenv@example.org",
          to: ["ops@example.org", "dev@example.org"],
          username: "alice",
          password: "pw",
          ca_file: "tls/ca.pem",
        }),
      );
      const config = await loadSmtpConfig(`${dir}/smtp.json`);
      const result = await sendEmail(config, message);
      assertEquals(result.status, 250);
      assertEquals(server.messages.length, 1);
      const mail = server.messages[0]!;
      assert(mail.secure, "upgraded with STARTTLS");
      assertEquals(mail.user, "alice");
      assertEquals(mail.from, "gestvenv@example.org");
      assertEquals(mail.to, ["ops@example.org", "dev@example.org"]);
      assertStringIncludes(mail.data, "Subject: gestvenv: 2 problems on host");
      assertStringIncludes(mail.data, "Interpreter missing <python3.12> (web)");
      assertStringIncludes(mail.data, "fix: gestvenv repair web");
    } finally {
      await server.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "sendEmail: a server without STARTTLS or with an untrusted certificate gets nothing",
  ...smtpTest,
  fn: async () => {
    const dir = await Deno.makeTempDir();
    const certs = await makeTestCa(`${dir}/tls`);
    const plain = await startSmtpServer(certs, { starttls: false });
    const untrusted = await startSmtpServer(certs);
    try {
      const base = { host: "127.0.0.1", from: "g@example.org", to: "o@example.org" };
      const noTls = await parseSmtpConfig(`${dir}/smtp.json`, {
        ...base,
        port: plain.port,
        ca_file: certs.caFile,
      });
      const error = await assertRejects(
        () => sendEmail(noTls, message, { maxRetries: 1, backoffMs: 1 }),
        NetworkError,
      );
      assertStringIncludes(error.message, "No TLS with the SMTP server");
      assertEquals(plain.messages.length, 0);

      const noCa = await parseSmtpConfig(`${dir}/smtp.json`, { ...base, port: untrusted.port });
      const error2 = await assertRejects(
        () => sendEmail(noCa, message, { maxRetries: 0 }),
        NetworkError,
      );
      assertStringIncludes((error2 as GestvenvError).hint ?? "", "ca_file");
      assertEquals(untrusted.messages.length, 0);
    } finally {
      await plain.close();
      await untrusted.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
