import type { ServerWritableStream } from '@grpc/grpc-js';
import type { AsyncHandlers } from '@tollgate/platform';
import type { AuditHandlers } from '@tollgate/proto/gen/tollgate/audit/v1/Audit';
import type { ExportChunk } from '@tollgate/proto/gen/tollgate/audit/v1/ExportChunk';
import { assertCanRead } from '../domain/access.js';
import { oldestFirst } from '../domain/event-pages.js';
import { csvHeader, csvRow, ndjsonLine, parseExportFormat } from '../domain/export-format.js';
import { parseFilter } from '../domain/filter.js';
import type { HandlerDeps } from './deps.js';

type H = AsyncHandlers<AuditHandlers>;
type ChunkStream = ServerWritableStream<unknown, ExportChunk>;

export function exportHandlers(deps: HandlerDeps): Pick<H, 'Export'> {
  return {
    /**
     * Streams the matching events oldest first (chain order), read a page at a time,
     * in chunks of about AUDIT_EXPORT_CHUNK_BYTES. When the client reads slowly the
     * stream's buffer fills and reading the next page waits for it to drain; when the
     * client goes away reading stops.
     */
    async Export(req, ctx, stream) {
      assertCanRead(ctx.principal);
      const filter = parseFilter(req.filter);
      const format = parseExportFormat(req.format);
      // Refuse rather than export unaudited: who took a copy of the log matters.
      await deps.audit.emit(
        { action: 'audit.exported', resource: { type: 'audit_log' }, details: { format, filter: setFields(req.filter) } },
        ctx,
      );

      const chunkSize = deps.config.AUDIT_EXPORT_CHUNK_BYTES;
      let buffer = format === 'csv' ? csvHeader() : '';
      for await (const event of oldestFirst(deps.store, filter)) {
        if (stream.cancelled) return;
        buffer += format === 'csv' ? csvRow(event) : ndjsonLine(event);
        if (buffer.length >= chunkSize) {
          await writeChunk(stream, buffer);
          buffer = '';
        }
      }
      if (buffer.length > 0 && !stream.cancelled) await writeChunk(stream, buffer);
    },
  };
}

/** Writes one chunk; resolves at once, or after 'drain' when the buffer is full. */
function writeChunk(stream: ChunkStream, data: string): Promise<void> {
  if (stream.write({ data: Buffer.from(data, 'utf8') })) return Promise.resolve();
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
