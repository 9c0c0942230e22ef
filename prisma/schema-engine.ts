import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import * as bg from "@prisma/schema-engine-wasm/schema_engine_bg";

/**
 * Prisma's schema engine compiled to WebAssembly. The native engine binary is downloaded on
 * first use by the Prisma CLI, which this machine cannot do; the wasm build ships on npm.
 * Node 20 cannot import the package's wasm entry, so it is instantiated by hand.
 */

let loaded = false;

function loadWasm(): void {
  if (loaded) return;
  const require = createRequire(import.meta.url);
  const packageDir = dirname(require.resolve("@prisma/schema-engine-wasm/schema_engine_bg"));
  const bytes = readFileSync(join(packageDir, "schema_engine_bg.wasm"));
  const wasmModule = new WebAssembly.Module(bytes);
  const instance = new WebAssembly.Instance(wasmModule, { "./schema_engine_bg.js": bg as unknown as WebAssembly.ModuleImports });
  bg.__wbg_set_wasm(instance.exports);
  (instance.exports as { __wbindgen_start?: () => void }).__wbindgen_start?.();
  loaded = true;
}

const noFilters = { externalTables: [], externalEnums: [] };

/** The SQL that turns a database shaped by `from` (or an empty one) into one shaped by `to`. */
export async function diffSchemas(from: string | null, to: string, connectionString: string): Promise<string> {
  loadWasm();
  const schemaPath = "schema.prisma";
  const engine = await bg.SchemaEngine.new(
    { datamodels: [[schemaPath, to]] },
    () => {},
    bindMigrationAwareSqlAdapterFactory(new PrismaPg({ connectionString })),
  );
  try {
    const result = await engine.diff({
      from: from === null ? { tag: "empty" } : { tag: "schemaDatamodel", files: [{ path: schemaPath, content: from }] },
      to: { tag: "schemaDatamodel", files: [{ path: schemaPath, content: to }] },
      script: true,
      exitCode: null,
      filters: noFilters,
    } as Parameters<typeof engine.diff>[0]);
    return (result as { stdout?: string }).stdout ?? "";
  } finally {
    engine.free();
  }
}
