// A multipart/form-data body built by hand as an async generator, so a 20 GB upload streams from
// disk with back-pressure and an exact Content-Length (undici's FormData and fetch() buffer).
import { randomBytes } from 'node:crypto';
import { readFileChunks } from './file-chunks';
import { FileChangedError, type UploadFile } from './file-snapshot';

export interface MultipartField {
  name: string;
  value: string;
}

export interface MultipartHooks {
  /** Called for every chunk of file data handed to the socket. */
  onFileData?(fileIndex: number, bytes: number): void;
  /** Called after a file's last byte and before the next part; may throw to stop the body. */
  afterFile?(fileIndex: number): Promise<void> | void;
}

export interface MultipartBody {
  boundary: string;
  contentType: string;
  /** Exactly the number of bytes `stream()` produces. */
  contentLength: number;
  /** File chunks are recycled buffers, valid until two more chunks were pulled (fileChunks.ts):
   *  fine for a socket writer, copy them to keep them. */
  stream(hooks?: MultipartHooks): AsyncGenerator<Buffer, void, undefined>;
}

export interface MultipartOptions {
  boundary?: string;
  /** Read size for files. */
  chunkBytes?: number;
  /** Field name of the file parts; imputationserver2 reads `files` (docs/server-behaviour.md#submit-request). */
  fileField?: string;
}

const CRLF = Buffer.from('\r\n');
const DEFAULT_CHUNK = 1024 * 1024;

/** Fields first, files last (as the web UI and the other clients send them). */
export function buildMultipartBody(
  fields: readonly MultipartField[],
  files: readonly Pick<UploadFile, 'path' | 'name' | 'size'>[],
  options: MultipartOptions = {},
): MultipartBody {
  const boundary = options.boundary ?? `----ImputationDesktop${randomBytes(16).toString('hex')}`;
  const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK;
  const fileField = options.fileField ?? 'files';

  const fieldParts = fields.map((field) =>
    Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${escapeQuoted(field.name)}"\r\n\r\n`, 'utf8'),
      Buffer.from(field.value, 'utf8'),
      CRLF,
    ]),
  );
  const fileHeads = files.map((file) =>
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${escapeQuoted(fileField)}"; ` +
        `filename="${escapeQuoted(file.name)}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      'utf8',
    ),
  );
  const closing = Buffer.from(`--${boundary}--\r\n`, 'utf8');

  let contentLength = closing.length;
  for (const part of fieldParts) contentLength += part.length;
  files.forEach((file, i) => {
    contentLength += fileHeads[i]!.length + file.size + CRLF.length;
  });

  async function* stream(hooks: MultipartHooks = {}): AsyncGenerator<Buffer, void, undefined> {
    if (fieldParts.length) yield Buffer.concat(fieldParts);
    for (let i = 0; i < files.length; i++) {
      const file = files[i]!;
      yield fileHeads[i]!;
      let read = 0;
      try {
        // Reading exactly the declared size keeps Content-Length true even if the file grew.
        for await (const chunk of readFileChunks(file.path, file.size, { chunkBytes })) {
          read += chunk.length;
          hooks.onFileData?.(i, chunk.length);
          yield chunk;
        }
      } catch (error) {
        if (error instanceof FileChangedError) throw error;
        throw new FileChangedError(file.name, `could not be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
      }
      if (read !== file.size) throw new FileChangedError(file.name, `became shorter while it was sent (${read} of ${file.size} bytes)`);
      await hooks.afterFile?.(i);
      yield CRLF;
    }
    yield closing;
  }

  return { boundary, contentType: `multipart/form-data; boundary=${boundary}`, contentLength, stream };
}

// Browsers percent-encode these three in multipart names (WHATWG HTML, multipart/form-data encoding).
function escapeQuoted(value: string): string {
  return value.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
