// Lint: typescript-eslint's recommended rules, plus the house rule that src/ (the core)
// imports nothing from the hosts or their SDKs.
const tseslint = require("typescript-eslint");

module.exports = tseslint.config(
  { ignores: ["dist/**", "dist-wps/**", "node_modules/**", "build-tsc/**", "out/**", "**/*.js"] },
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-require-imports": "off",
    },
  },
  {
    files: ["src/**/*.ts"],
    ignores: ["src/cli/**", "src/host/xlsx/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["**/functions/**", "**/taskpane/**", "**/wps/**"], message: "src/ is the core: hosts import it, never the other way." },
            { group: ["fs", "node:*", "path", "exceljs", "hyperformula", "child_process"], message: "The core is host-free: no file system or host SDK here." },
          ],
        },
      ],
    },
  },
);
