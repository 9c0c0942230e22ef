import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

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
    // The statistics stay pure: no framework, database or app code, so they can be tested and reused alone.
    files: ["lib/ratings/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: ["next", "next/*", "react", "react-dom", "@prisma/*", "@/app/*", "@/components/*", "@/lib/db", "@/lib/generated/*"] },
      ],
      "no-restricted-properties": ["error", { object: "Math", property: "random", message: "Pass a seeded generator instead." }],
    },
  },
];
export default config;
