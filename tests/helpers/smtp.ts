// A real SMTP server for the mail tests (the `smtp-server` package) on a loopback port: it keeps
// every message it accepts, can refuse mail for a while (451, as a server in trouble does) and
// can be stopped and started again on the same port. Messages are read back with a small MIME
// reader (headers, the text and HTML parts, quoted-printable and base64).
import { SMTPServer } from "smtp-server";
import { freePort } from "./ports";

export interface ReceivedMail {
  to: string[];
  headers: Map<string, string>;
  subject: string;
  text: string;
  html: string;
}

export interface TestSmtp {
  port: number;
  url: string;
  received: ReceivedMail[];
  /** While true, every message is refused with a temporary error (451). */
  refusing: boolean;
  /** Connections refused, messages refused: how often the server was tried while away. */
  refusals: number;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function startSmtp(): Promise<TestSmtp> {
  const port = await freePort();
  let server: SMTPServer | undefined;
  const smtp: TestSmtp = {
    port,
    url: `smtp://127.0.0.1:${port}`,
    received: [],
    refusing: false,
    refusals: 0,
    async start() {
      server = new SMTPServer({
        authOptional: true,
        disabledCommands: ["STARTTLS"],
        logger: false,
        closeTimeout: 100,
        onData(stream, session, callback) {
          const chunks: Buffer[] = [];
          stream.on("data", (chunk: Buffer) => chunks.push(chunk));
          stream.on("end", () => {
            if (smtp.refusing) {
              smtp.refusals++;
              const error = Object.assign(new Error("Try again later"), { responseCode: 451 });
              return callback(error);
            }
            const to = session.envelope.rcptTo.map((address) => address.address);
            smtp.received.push({ ...parseMail(Buffer.concat(chunks).toString("utf8")), to });
            callback();
          });
        },
      });
      const listening = server;
      await new Promise<void>((resolve, reject) => {
        listening.once("error", reject);
        listening.listen(port, "127.0.0.1", () => resolve());
      });
    },
    async stop() {
      const closing = server;
      server = undefined;
      if (closing) await new Promise<void>((resolve) => closing.close(() => resolve()));
    },
  };
  await smtp.start();
  return smtp;
}

/** Waits (polling, no fixed sleep) until `check` returns something truthy. */
export async function eventually<T>(
  check: () => T | Promise<T>,
  what: string,
  timeoutMs = 20_000,
): Promise<Exclude<T, false | 0 | "" | null | undefined>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as Exclude<T, false | 0 | "" | null | undefined>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

// ── Reading a message ────────────────────────────────────────────────────────────────────

function parseMail(raw: string): Omit<ReceivedMail, "to"> {
  const { headers, body } = splitHeaders(raw);
  const parts = leafParts(headers, body);
  const partOf = (type: string) => parts.find((part) => (part.headers.get("content-type") ?? "text/plain").startsWith(type));
  return {
    headers,
    subject: decodeWords(headers.get("subject") ?? ""),
    text: partOf("text/plain")?.content ?? "",
    html: partOf("text/html")?.content ?? "",
  };
}

function splitHeaders(raw: string): { headers: Map<string, string>; body: string } {
  const normalised = raw.replace(/\r\n/g, "\n");
  const end = normalised.indexOf("\n\n");
  const head = end < 0 ? normalised : normalised.slice(0, end);
  const headers = new Map<string, string>();
  for (const line of head.replace(/\n[ \t]+/g, " ").split("\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body: end < 0 ? "" : normalised.slice(end + 2) };
}

function leafParts(headers: Map<string, string>, body: string): { headers: Map<string, string>; content: string }[] {
  const type = headers.get("content-type") ?? "text/plain";
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (type.startsWith("multipart/") && boundary) {
    return body
      .split(`--${boundary}`)
      .slice(1)
      .filter((chunk) => !chunk.startsWith("--"))
      .flatMap((chunk) => {
        const part = splitHeaders(chunk.replace(/^\n/, ""));
        return leafParts(part.headers, part.body);
      });
  }
  const encoding = (headers.get("content-transfer-encoding") ?? "7bit").toLowerCase();
  const bytes =
    encoding === "base64"
      ? Buffer.from(body.replace(/\s+/g, ""), "base64")
      : encoding === "quoted-printable"
        ? decodeQuotedPrintable(body)
        : Buffer.from(body, "utf8");
  return [{ headers, content: bytes.toString("utf8").replace(/\n$/, "") }];
}

function decodeQuotedPrintable(text: string): Buffer {
  const joined = text.replace(/=\n/g, "");
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i++) {
    const match = joined[i] === "=" ? /^[0-9A-F]{2}$/i.exec(joined.slice(i + 1, i + 3)) : null;
    if (match) {
      bytes.push(parseInt(match[0], 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(joined[i]!, "utf8"));
    }
  }
  return Buffer.from(bytes);
}

/** RFC 2047 encoded words ("=?UTF-8?Q?...?=", "=?UTF-8?B?...?="). */
function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, "?==?")
    .replace(/=\?([^?]+)\?([BQ])\?([^?]*)\?=/gi, (_whole, _charset: string, kind: string, encoded: string) =>
      kind.toUpperCase() === "B"
        ? Buffer.from(encoded, "base64").toString("utf8")
        : decodeQuotedPrintable(encoded.replace(/_/g, " ")).toString("utf8"),
    );
}
