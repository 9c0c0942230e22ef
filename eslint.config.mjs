import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

const DATABASE_DRIVERS = [
  { name: "pg", message: "Reach the database through @/lib/db (see lib/db/index.ts)." },
  { name: "@prisma/adapter-pg", message: "The Prisma client is built once, in lib/db/prisma.ts." },
];

const config = [
  ...nextVitals,
  ...nextTs,
  {
    ignores: [
      "node_modules/**",
      ".next/**",
      "lib/generated/**",
      ".hikaku/**",
      "test-results/**",
      "playwright-report/**",
      "bench/data/**",
      "reports/**",
      ".stryker-tmp/**",
      "next-env.d.ts",
    ],
  },
  {
    // One way to the database (lib/db/index.ts): the pool, the Prisma client on it and the SQL
    // helpers live in lib/db/ alone. Tests, the migrator and the script that runs a local server
    // (and PgBouncer in front of it) manage databases as a whole and may connect by themselves.
    files: ["app/**"],
    ignores: ["**/*.test.ts"],
    rules: { "no-restricted-imports": ["error", { paths: DATABASE_DRIVERS }] },
  },
  {
    // The same, and dependencies point one way: routes import components and lib, never the
    // other way round (server actions live beside their domain, lib/<area>/actions.ts).
    files: ["lib/**", "components/**", "scripts/**", "bench/**"],
    ignores: ["lib/db/**", "**/*.test.ts", "scripts/lib/local-postgres.ts", "scripts/lib/pgbouncer.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: DATABASE_DRIVERS,
          patterns: [{ group: ["@/app/*"], message: "app/ holds routes only; import from lib/ or components/." }],
        },
      ],
    },
  },
  {
    // The statistics stay pure: no framework, database or app code, so they can be tested and reused alone.
    files: ["lib/ratings/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: ["pg"],
          patterns: [
            "next",
            "next/*",
            "react",
            "react-dom",
            "@prisma/*",
            "@/app/*",
            "@/components/*",
            "@/lib/db",
            "@/lib/db/*",
            "@/lib/generated/*",
          ],
        },
      ],
      "no-restricted-properties": ["error", { object: "Math", property: "random", message: "Pass a seeded generator instead." }],
    },
  },
];
export default config;
