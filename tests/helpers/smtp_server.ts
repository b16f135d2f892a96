/**
 * A small SMTP server on 127.0.0.1 for the email tests (npm `smtp-server`, from the nodemailer
 * project), with STARTTLS on a certificate signed by a test CA that `makeTestCa` generates with
 * openssl. It records each accepted message; it can require AUTH, or not offer STARTTLS at all.
 *
 * @module
 */
import { SMTPServer } from "smtp-server";
import { join } from "node:path";

/** A CA and a server certificate for 127.0.0.1/localhost, as PEM files in `dir`. */
export interface TestCertificates {
  /** The CA's certificate (what `ca_file` points at). */
  caFile: string;
  /** The server's certificate and key. */
  certFile: string;
  keyFile: string;
}

async function openssl(dir: string, args: string[]): Promise<void> {
  const out = await new Deno.Command("openssl", { args, cwd: dir, stdout: "null", stderr: "piped" })
    .output();
  if (!out.success) {
    throw new Error(`openssl ${args[0]} failed: ${new TextDecoder().decode(out.stderr)}`);
  }
}

/** Generates a test CA and a server certificate it signed (for 127.0.0.1 and localhost) in `dir`. */
export async function makeTestCa(dir: string): Promise<TestCertificates> {
  await Deno.mkdir(dir, { recursive: true });
  await openssl(dir, [
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    "-days",
    "2",
    "-subj",
    "/CN=gestvenv test CA",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign",
  ]);
  await openssl(dir, [
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    "server.key",
    "-out",
    "server.csr",
    "-subj",
    "/CN=127.0.0.1",
  ]);
  await Deno.writeTextFile(
    join(dir, "ext.cnf"),
    "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n",
  );
  await openssl(dir, [
    "x509",
    "-req",
    "-in",
    "server.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-out",
    "server.pem",
    "-days",
    "2",
    "-extfile",
    "ext.cnf",
  ]);
  return {
    caFile: join(dir, "ca.pem"),
    certFile: join(dir, "server.pem"),
    keyFile: join(dir, "server.key"),
  };
}

/** One message the server accepted. */
export interface ReceivedMail {
  from: string;
  to: string[];
  /** The raw message (headers and body). */
  data: string;
  /** Whether the session was upgraded to TLS before the message. */
  secure: boolean;
  /** The user that logged in, or undefined. */
  user: string | undefined;
}

/** Options of {@linkcode startSmtpServer}. */
export interface SmtpServerOptions {
  /** Offer STARTTLS. @default true */
  starttls?: boolean;
  /** Require this login. @default no AUTH */
  auth?: { user: string; pass: string };
}

/** A running SMTP server. */
export interface TestSmtpServer {
  port: number;
  messages: ReceivedMail[];
  /** Errors the server reported (a client hanging up in the TLS handshake). */
  errors: string[];
  close(): Promise<void>;
}

/** Starts the server on a free port of 127.0.0.1 with `certs`. */
export async function startSmtpServer(
  certs: TestCertificates,
  options: SmtpServerOptions = {},
): Promise<TestSmtpServer> {
  const messages: ReceivedMail[] = [];
  const auth = options.auth;
  // deno-lint-ignore no-explicit-any
  type Any = any;
  const server = new SMTPServer({
    key: await Deno.readTextFile(certs.keyFile),
    cert: await Deno.readTextFile(certs.certFile),
    logger: false,
    authOptional: auth === undefined,
    allowInsecureAuth: false,
    ...(options.starttls === false ? { disabledCommands: ["STARTTLS"] } : {}),
    onAuth(login: Any, _session: Any, callback: Any) {
      if (auth !== undefined && login.username === auth.user && login.password === auth.pass) {
        callback(null, { user: login.username });
      } else callback(new Error("Invalid username or password"));
    },
    onData(stream: Any, session: Any, callback: Any) {
      const chunks: Uint8Array[] = [];
      stream.on("data", (chunk: Uint8Array) => chunks.push(chunk));
      stream.on("end", () => {
        const size = chunks.reduce((n, c) => n + c.length, 0);
        const all = new Uint8Array(size);
        let at = 0;
        for (const c of chunks) {
          all.set(c, at);
          at += c.length;
        }
        messages.push({
          from: session.envelope.mailFrom?.address ?? "",
          to: session.envelope.rcptTo.map((r: Any) => r.address),
          data: new TextDecoder().decode(all),
          secure: session.secure === true,
          user: session.user,
        });
        callback();
      });
    },
  } as Any);
  // A client that rejects the certificate ends the TLS handshake with an alert: the server
  // reports it as an error event, which is expected here.
  const errors: string[] = [];
  server.on("error", (error: Error) => errors.push(error.message));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.server.address() as { port: number }).port,
    messages,
    errors,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
