// An uploaded Word file, read from a multipart request without ever holding more than the
// limit, and the refusals an import answers with (the new-plan import, later the review import).
import { unstable_parseMultipartFormData } from "@remix-run/node";
import type { ImportRefusal } from "../models/views";

export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

export class DocxImportError extends Error {
  constructor(
    readonly reason: ImportRefusal,
    options?: ErrorOptions,
  ) {
    super(reason, options);
  }
}

export interface Upload {
  fileName: string;
  bytes: Buffer;
  /** The title the importer typed, if any (the form's optional `title` field). */
  title?: string;
}

/**
 * The `file` field of a multipart request, read while counting: past MAX_UPLOAD_BYTES
 * (across all parts) reading stops and the upload is refused, so nothing larger is buffered.
 */
export async function receiveUpload(request: Request): Promise<Upload> {
  const declaredLength = Number(request.headers.get("Content-Length") ?? 0);
  // Room for the multipart boundaries and the other fields around the file.
  if (declaredLength > MAX_UPLOAD_BYTES + 64 * 1024) throw new DocxImportError("tooLarge");
  let receivedBytes = 0;
  let upload: Upload | undefined;
  let title: string | undefined;
  try {
    await unstable_parseMultipartFormData(request, async ({ name, filename, data }) => {
      const chunks: Uint8Array[] = [];
      for await (const chunk of data) {
        receivedBytes += chunk.byteLength;
        if (receivedBytes > MAX_UPLOAD_BYTES) throw new DocxImportError("tooLarge");
        if (name === "file" || name === "title") chunks.push(chunk);
      }
      if (name === "file" && typeof filename === "string" && !upload) upload = { fileName: filename, bytes: Buffer.concat(chunks) };
      if (name === "title" && title === undefined) title = Buffer.concat(chunks).toString("utf8");
      return undefined;
    });
  } catch (error) {
    if (error instanceof DocxImportError) throw error;
    // Not multipart at all, or a body cut short.
    throw new DocxImportError("noFile");
  }
  if (!upload || upload.bytes.length === 0) throw new DocxImportError("noFile");
  return { ...upload, title };
}
