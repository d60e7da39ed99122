import * as protoLoader from '@grpc/proto-loader';
import type { AnyDefinition, PackageDefinition, ProtobufTypeDefinition } from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import descriptor, {
  type IDescriptorProto,
  type IFieldDescriptorProto,
  type IFileDescriptorProto,
} from 'protobufjs/ext/descriptor/index.js';

/**
 * The package definition to hand to @grpc/reflection's ReflectionService: the service's own
 * definition plus grpc.health.v1 (so that Health is listed and describable too), with every
 * file descriptor made self-contained.
 *
 * Why the rewrite: proto-loader (through protobufjs' Root#toDescriptor) synthesizes one
 * FileDescriptorProto per package (e.g. `tollgate_token_v1.proto`) whose `dependency` list is
 * always empty (grpc-node #2595) and whose field types are written relative to the enclosing
 * message (`common.v1.PageRequest` rather than `.tollgate.common.v1.PageRequest`).
 * @grpc/reflection 1.0.4 serves those bytes unchanged, so clients that build a descriptor pool
 * from them (grpcurl, grpcui, Postman) fail with `cannot resolve type "*.common.v1.PageRequest"`
 * on any type from another package (grpc-node #3018, #3034). Here each referenced type name
 * is made fully qualified and each file lists the files it references as dependencies, as protoc
 * would. Drop this once proto-loader fills in dependencies itself.
 */
export function reflectionPackageDefinition(definition: PackageDefinition): PackageDefinition {
  const defs = [definition, healthPackageDefinition()];

  const files = new Map<string, IFileDescriptorProto>();
  for (const def of defs) {
    for (const value of Object.values(def)) {
      if (!isTypeDefinition(value)) continue;
      for (const bytes of value.fileDescriptorProtos) {
        const file = descriptor.FileDescriptorProto.decode(bytes) as IFileDescriptorProto;
        if (file.name && !files.has(file.name)) files.set(file.name, file);
      }
    }
  }

  const encoded = linkFiles([...files.values()]);
  const result: PackageDefinition = {};
  for (const def of defs) {
    for (const [name, value] of Object.entries(def)) {
      result[name] = isTypeDefinition(value) ? { ...value, fileDescriptorProtos: encoded } : value;
    }
  }
  return result;
}

let health: PackageDefinition | undefined;
function healthPackageDefinition(): PackageDefinition {
  health ??= protoLoader.loadSync(healthProtoPath, { keepCase: true });
  return health;
}

/** A message or enum definition: each carries the descriptors of all the files loaded with it. */
function isTypeDefinition(value: AnyDefinition): value is Extract<AnyDefinition, ProtobufTypeDefinition> {
  return typeof value.format === 'string';
}

/** Qualifies every type reference and fills in each file's dependencies; returns the re-encoded files. */
function linkFiles(files: IFileDescriptorProto[]): Buffer[] {
  for (const file of files) nameMapEntries(file.messageType);

  // Fully-qualified name (no leading dot) of every message and enum -> the file declaring it.
  const owner = new Map<string, IFileDescriptorProto>();
  const declare = (scope: string, messages: IDescriptorProto[] = [], enums: { name?: string }[] = [], file: IFileDescriptorProto) => {
    for (const e of enums) owner.set(join(scope, e.name), file);
    for (const m of messages) {
      const name = join(scope, m.name);
      owner.set(name, file);
      declare(name, m.nestedType, m.enumType, file);
    }
  };
  for (const file of files) declare(file.package ?? '', file.messageType, file.enumType, file);

  for (const file of files) {
    const deps = new Set<string>();
    // Protobuf name resolution: try the innermost enclosing scope first, then each outer one.
    const qualify = (ref: string, scope: string): string => {
      let target: string | undefined;
      if (ref.startsWith('.')) {
        target = ref.slice(1);
      } else {
        for (let s: string | undefined = scope; s !== undefined && !target; s = parent(s)) {
          if (owner.has(join(s, ref))) target = join(s, ref);
        }
      }
      const declaredIn = target === undefined ? undefined : owner.get(target);
      if (target === undefined || !declaredIn) return ref; // unknown here: leave it as it was
      if (declaredIn !== file && declaredIn.name) deps.add(declaredIn.name);
      return `.${target}`;
    };
    const fields = (list: IFieldDescriptorProto[] = [], scope: string) => {
      for (const f of list) {
        if (f.typeName) f.typeName = qualify(f.typeName, scope);
        if (f.extendee) f.extendee = qualify(f.extendee, scope);
      }
    };
    const messages = (list: IDescriptorProto[] = [], scope: string) => {
      for (const m of list) {
        const name = join(scope, m.name);
        fields(m.field, name);
        fields(m.extension, name);
        messages(m.nestedType, name);
      }
    };
    const pkg = file.package ?? '';
    messages(file.messageType, pkg);
    fields(file.extension, pkg);
    for (const svc of file.service ?? []) {
      const scope = join(pkg, svc.name);
      for (const m of svc.method ?? []) {
        if (m.inputType) m.inputType = qualify(m.inputType, scope);
        if (m.outputType) m.outputType = qualify(m.outputType, scope);
      }
    }
    file.dependency = [...deps].sort();
  }

  return files.map((file) => Buffer.from(descriptor.FileDescriptorProto.encode(file).finish()));
}

/**
 * protobufjs names the implicit entry message of `map<K, V> foo_bar` "Foo_bar" instead of
 * "FooBarEntry", which strict clients reject ("incorrect implicit map entry name").
 */
function nameMapEntries(messages: IDescriptorProto[] = []): void {
  for (const m of messages) {
    for (const f of m.field ?? []) {
      const entry = m.nestedType?.find((n) => n.options?.mapEntry && n.name === f.typeName);
      if (entry && f.name) entry.name = f.typeName = mapEntryName(f.name);
    }
    nameMapEntries(m.nestedType);
  }
}

/** protoc's rule: the field name in CamelCase (underscores dropped), then "Entry". */
function mapEntryName(field: string): string {
  let name = '';
  let upper = true;
  for (const c of field) {
    if (c === '_') upper = true;
    else {
      name += upper ? c.toUpperCase() : c;
      upper = false;
    }
  }
  return `${name}Entry`;
}

function join(scope: string, name: string | undefined | null): string {
  return scope ? `${scope}.${name ?? ''}` : (name ?? '');
}

/** The enclosing scope of a dotted name; '' is the root, whose parent is undefined. */
function parent(scope: string): string | undefined {
  if (scope === '') return undefined;
  const dot = scope.lastIndexOf('.');
  return dot < 0 ? '' : scope.slice(0, dot);
}
