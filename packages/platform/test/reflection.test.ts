import { createRequire } from 'node:module';
import path from 'node:path';
import test from 'ava';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import descriptor, {
  type IDescriptorProto,
  type IFileDescriptorProto,
  type IServiceDescriptorProto,
} from 'protobufjs/ext/descriptor/index.js';
import { packageDefinition, protoFiles, type ServiceName } from '@tollgate/proto';
import { ANY_CALLER } from '../src/auth/policy.js';
import { createGrpcServer } from '../src/grpc/server.js';
import { createLogger } from '../src/logger.js';

// What grpcurl does to describe a service, done with a plain grpc-js client of the reflection
// API: list the services, fetch the file declaring each (file_containing_symbol), then every
// file it imports, recursively (file_by_filename). A type a file uses must be declared in that
// file or in one it imports, or strict clients refuse the file ("cannot resolve type").

const reflectionProto = path.join(
  path.dirname(createRequire(import.meta.url).resolve('@grpc/reflection')),
  '../proto/grpc/reflection/v1/reflection.proto',
);
const HEALTH = 'grpc.health.v1.Health';

interface ReflectionResponse {
  list_services_response?: { service: { name: string }[] };
  file_descriptor_response?: { file_descriptor_proto: Buffer[] };
  error_response?: { error_code: number; error_message: string };
}
type ReflectionRequest = { list_services: string } | { file_containing_symbol: string } | { file_by_filename: string };
interface ReflectionClient extends grpc.Client {
  ServerReflectionInfo(): grpc.ClientDuplexStream<ReflectionRequest, ReflectionResponse>;
}

/** One reflection stream; ask() sends a request and resolves with its response (the server answers in order). */
function reflect(address: string) {
  const pkg = grpc.loadPackageDefinition(protoLoader.loadSync(reflectionProto, { keepCase: true, oneofs: true })) as unknown as {
    grpc: { reflection: { v1: { ServerReflection: new (a: string, c: grpc.ChannelCredentials) => ReflectionClient } } };
  };
  const client = new pkg.grpc.reflection.v1.ServerReflection(address, grpc.credentials.createInsecure());
  const stream = client.ServerReflectionInfo();
  const waiting: { resolve: (r: ReflectionResponse) => void; reject: (e: Error) => void }[] = [];
  stream.on('data', (res: ReflectionResponse) => waiting.shift()?.resolve(res));
  stream.on('error', (err: Error) => waiting.splice(0).forEach((w) => w.reject(err)));
  return {
    ask(req: ReflectionRequest): Promise<ReflectionResponse> {
      return new Promise((resolve, reject) => {
        waiting.push({ resolve, reject });
        stream.write(req);
      });
    },
    close() {
      stream.end();
      client.close();
    },
  };
}

async function startServer(name: ServiceName) {
  const def = packageDefinition(name);
  // The one service each proto file declares (a service definition has no `format`).
  const [serviceName, service] = Object.entries(def).find(([, v]) => !('format' in v))!;
  const definition = service as unknown as grpc.ServiceDefinition;
  const handlers = Object.fromEntries(Object.keys(definition).map((m) => [m, () => Promise.reject(new Error('not under test'))]));
  const server = createGrpcServer({
    serviceName: name,
    logger: createLogger('reflection-test', 'silent'),
    secret: 'reflection-test-secret-reflection-test',
    packageDefinition: def,
    services: [
      { name: serviceName, definition, handlers, callers: Object.fromEntries(Object.keys(definition).map((m) => [m, ANY_CALLER])) },
    ],
  });
  const port = await server.listen('127.0.0.1', 0);
  return { serviceName, address: `127.0.0.1:${port}`, stop: () => server.stop(1_000) };
}

function decodeFiles(res: ReflectionResponse, what: string): IFileDescriptorProto[] {
  if (!res.file_descriptor_response) throw new Error(`${what}: ${res.error_response?.error_message ?? 'no file descriptors'}`);
  return res.file_descriptor_response.file_descriptor_proto.map((b) => descriptor.FileDescriptorProto.decode(b) as IFileDescriptorProto);
}

/** Every message and enum a file declares, by fully-qualified name (no leading dot). */
function declaredTypes(file: IFileDescriptorProto): Map<string, IDescriptorProto | null> {
  const out = new Map<string, IDescriptorProto | null>();
  const walk = (scope: string, messages: IDescriptorProto[] = [], enums: { name?: string }[] = []) => {
    for (const e of enums) out.set(`${scope}${e.name}`, null);
    for (const m of messages) {
      out.set(`${scope}${m.name}`, m);
      walk(`${scope}${m.name}.`, m.nestedType, m.enumType);
    }
  };
  walk(file.package ? `${file.package}.` : '', file.messageType, file.enumType);
  return out;
}

/** protobufjs types `dependency` as any. */
function imports(file: IFileDescriptorProto): string[] {
  return (file.dependency as string[] | undefined) ?? [];
}

function mapEntryName(field: string): string {
  return `${field.replace(/_+(.)/g, (_, c: string) => c.toUpperCase()).replace(/^./, (c) => c.toUpperCase())}Entry`;
}

for (const name of Object.keys(protoFiles) as ServiceName[]) {
  test(`when ${name} serves reflection, then it lists itself and Health, and every type its methods use resolves from the files it serves`, async (t) => {
    const server = await startServer(name);
    const client = reflect(server.address);
    t.teardown(async () => {
      client.close();
      await server.stop();
    });

    const listed = (await client.ask({ list_services: '*' })).list_services_response?.service.map((s) => s.name) ?? [];
    t.true(listed.includes(server.serviceName), `listed: ${listed.join(', ')}`);
    t.true(listed.includes(HEALTH), `listed: ${listed.join(', ')}`);

    const files = new Map<string, IFileDescriptorProto>();
    const fetchImports = async (file: IFileDescriptorProto) => {
      for (const dep of imports(file)) {
        if (files.has(dep)) continue;
        const fetched = decodeFiles(await client.ask({ file_by_filename: dep }), `file_by_filename ${dep}`);
        const got = fetched.find((f) => f.name === dep);
        if (!got) throw new Error(`file_by_filename ${dep} did not return ${dep}`);
        files.set(dep, got);
        await fetchImports(got);
      }
    };
    const services: { service: IServiceDescriptorProto; file: IFileDescriptorProto; fqn: string }[] = [];
    for (const svc of listed) {
      const [file] = decodeFiles(await client.ask({ file_containing_symbol: svc }), `file_containing_symbol ${svc}`);
      files.set(file.name!, file);
      await fetchImports(file);
      const service = file.service?.find((s) => `${file.package}.${s.name}` === svc);
      if (!service) throw new Error(`${file.name} does not declare ${svc}`);
      services.push({ service, file, fqn: svc });
    }

    // Resolve a reference the way protoc and Go's protodesc do: a leading dot means fully
    // qualified, otherwise try the enclosing scopes innermost first; only the file itself and
    // the files it imports are visible.
    const resolve = (ref: string, scope: string, from: IFileDescriptorProto) => {
      const visible = [
        from,
        ...imports(from)
          .map((d) => files.get(d))
          .filter((f) => f !== undefined),
      ];
      const candidates: string[] = [];
      if (ref.startsWith('.')) {
        candidates.push(ref.slice(1));
      } else {
        const parts = scope.split('.');
        for (let n = parts.length; n >= 0; n--) candidates.push([...parts.slice(0, n), ref].join('.'));
      }
      for (const fqn of candidates) {
        for (const file of visible) {
          const types = declaredTypes(file);
          if (types.has(fqn)) return { fqn, file, message: types.get(fqn)! };
        }
      }
      return undefined;
    };

    const checked = new Set<string>();
    const checkMessage = (fqn: string, message: IDescriptorProto, file: IFileDescriptorProto) => {
      if (checked.has(fqn)) return;
      checked.add(fqn);
      for (const field of message.field ?? []) {
        if (!field.typeName) continue;
        const target = resolve(field.typeName, fqn, file);
        t.truthy(target, `${fqn}.${field.name} in ${file.name}: cannot resolve ${field.typeName}`);
        if (!target?.message) continue;
        if (target.message.options?.mapEntry) {
          t.is(target.message.name, mapEntryName(field.name!), `${fqn}.${field.name}: map entry name`);
        }
        checkMessage(target.fqn, target.message, target.file);
      }
    };
    for (const { service, file, fqn } of services) {
      t.true((service.method ?? []).length > 0, `${fqn} has methods`);
      for (const method of service.method ?? []) {
        for (const ref of [method.inputType!, method.outputType!]) {
          const target = resolve(ref, fqn, file);
          t.truthy(target, `${fqn}/${method.name} in ${file.name}: cannot resolve ${ref}`);
          if (target?.message) checkMessage(target.fqn, target.message, target.file);
        }
      }
    }
    // Every service pages with the imported tollgate.common.v1.PageRequest; Health answers with its own types.
    t.true(checked.has('tollgate.common.v1.PageRequest'), 'PageRequest reached');
    t.true(checked.has('grpc.health.v1.HealthCheckResponse'), 'Health types reached');
  });
}
