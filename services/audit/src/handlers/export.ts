import type { ServerWritableStream } from '@grpc/grpc-js';
import { ValidationError, type AsyncHandlers } from '@tollgate/platform';
import type { AuditHandlers } from '@tollgate/proto/gen/tollgate/audit/v1/Audit';
import type { AuditEvent } from '@tollgate/proto/gen/tollgate/audit/v1/AuditEvent';
import type { ExportChunk } from '@tollgate/proto/gen/tollgate/audit/v1/ExportChunk';
import { oldestFirst } from '../domain/event-pages.js';
import { parseFilter } from '../domain/filter.js';
import type { HandlerDeps } from './deps.js';
import { toWire } from './messages.js';

type H = AsyncHandlers<AuditHandlers>;
type ChunkStream = ServerWritableStream<unknown, ExportChunk>;

export function exportHandlers(deps: HandlerDeps): Pick<H, 'Export'> {
  return {
    /**
     * Streams the matching events oldest first (chain order), read a page at a time, in
     * batches of about AUDIT_EXPORT_CHUNK_BYTES. When the client reads slowly the
     * stream's buffer fills and reading the next page waits for it to drain; when the
     * client goes away reading stops.
     */
    async Export(req, ctx, stream) {
      const filter = parseFilter(req.filter);
      const format = parseRequestedFormat(req.requested_format);
      // Refuse rather than export unaudited: who took a copy of the log matters.
      await deps.audit.emit(
        { action: 'audit.exported', resource: { type: 'audit_log' }, details: { format, filter: setFields(req.filter) } },
        ctx,
      );

      const batchBytes = deps.config.AUDIT_EXPORT_CHUNK_BYTES;
      let batch: AuditEvent[] = [];
      let size = 0;
      for await (const stored of oldestFirst(deps.store, filter)) {
        if (stream.cancelled) return;
        const event = toWire(stored);
        batch.push(event);
        // The JSON length: close enough to the encoded size to bound a message.
        size += Buffer.byteLength(JSON.stringify(event));
        if (size >= batchBytes) {
          await writeChunk(stream, batch);
          batch = [];
          size = 0;
        }
      }
      if (batch.length > 0 && !stream.cancelled) await writeChunk(stream, batch);
    },
  };
}

// Only a label for the log, but a caller's words end up there: a short lower-case name.
const FORMAT_LABEL = /^[a-z0-9-]{0,16}$/;

/** The format the caller renders the events as; unset (undefined) when it named none. */
function parseRequestedFormat(raw: string): string | undefined {
  if (!FORMAT_LABEL.test(raw)) {
    throw new ValidationError('Export format is invalid', {
      requested_format: 'must be a lower-case name of at most 16 characters, e.g. ndjson or csv',
    });
  }
  return raw || undefined;
}

/** Writes one batch; resolves at once, or after 'drain' when the buffer is full. */
function writeChunk(stream: ChunkStream, events: AuditEvent[]): Promise<void> {
  if (stream.write({ events })) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('close', done);
      stream.off('cancelled', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
    stream.on('cancelled', done);
  });
}

function setFields(filter: object | null): Record<string, unknown> {
  return Object.fromEntries(Object.entries(filter ?? {}).filter(([, v]) => v !== ''));
}
