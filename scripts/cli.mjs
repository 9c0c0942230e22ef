// `npm run hikaku -- <command>`: the CLI (scripts/hikaku.ts) run from a bundle that esbuild makes
// of its TypeScript sources, instead of compiling them on every start with tsx — a command used
// to spend about a second compiling before it did anything. The bundle is made again when one of
// the files it was made from has changed since (a few hundred stat calls), so editing a source
// and running the command again just works. Packages stay in node_modules; each source file keeps
// its own import.meta.url, so files found relative to it (migrations, worker modules) are where
// they are when run from sources. Started with --conditions=react-server (package.json).
import { existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const OUT = join(ROOT, "node_modules", ".cache", "hikaku-cli");
const INPUTS = "inputs.json";

/** Whether the bundle exists and none of the files it was made from changed after it was made. */
function bundleIsFresh() {
  const listed = join(OUT, INPUTS);
  if (!existsSync(listed)) return false;
  const { madeAt, inputs } = JSON.parse(readFileSync(listed, "utf8"));
  return inputs.every((file) => {
    try {
      return statSync(join(ROOT, file)).mtimeMs < madeAt;
    } catch {
      return false;
    }
  });
}

/**
 * Each source file's import.meta.url as its own location, not the bundle chunk's; JSON files of
 * packages bundled (Node would want an import attribute for them, which the sources do not write).
 */
const sourceLocations = {
  name: "source-locations",
  setup(build) {
    build.onResolve({ filter: /\.json$/ }, (args) => ({
      path: createRequire(join(args.resolveDir, "index.js")).resolve(args.path),
    }));
    build.onLoad({ filter: /\.(ts|tsx|mts)$/ }, (args) => {
      if (args.path.includes(`${sep}node_modules${sep}`)) return undefined;
      const text = readFileSync(args.path, "utf8");
      return { contents: text.replaceAll("import.meta.url", JSON.stringify(pathToFileURL(args.path).href)), loader: "ts" };
    });
  },
};

/** Makes the bundle in a folder of its own, then puts it in place. */
export async function buildCli() {
  const { build } = await import("esbuild");
  const madeAt = Date.now();
  const staging = `${OUT}.${process.pid}`;
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: ["scripts/hikaku.ts"],
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    conditions: ["react-server"],
    outdir: staging,
    outExtension: { ".js": ".mjs" },
    sourcemap: "linked",
    metafile: true,
    logLevel: "warning",
    plugins: [sourceLocations],
  });
  const inputs = Object.keys(result.metafile.inputs)
    .map((file) => relative(ROOT, join(ROOT, file)))
    .filter((file) => !file.startsWith("node_modules"));
  writeFileSync(join(staging, INPUTS), JSON.stringify({ madeAt, inputs }));
  rmSync(OUT, { recursive: true, force: true });
  renameSync(staging, OUT);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv[2] === "--build") {
    await buildCli();
  } else {
    if (!bundleIsFresh()) await buildCli();
    await import(pathToFileURL(join(OUT, "hikaku.mjs")).href);
  }
}
