import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["{compiler,ccp,variants,passes,mcp,zig-runtime,examples,scripts}/**/*.test.ts", "test/**/*.test.ts"],
    exclude: ["node_modules", "dist", ".koru", ".tools"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Zig builds are CPU-heavy; two cores on CI.
    maxWorkers: 2,
    minWorkers: 1,
  },
});
