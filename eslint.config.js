// Type-aware lint: the promise rules catch the bugs that matter in a streaming proxy
// (a floating promise is an unhandled rejection; a misused one is a silently ignored await).
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["eslint.config.js", "node_modules/**", "dist/**", ".cache/**", "bench/results/**", "deploy/cdk.out/**"] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      // The launcher is plain JavaScript (it must parse on old Node versions): linted, outside tsconfig.
      parserOptions: { projectService: { allowDefaultProject: ["bin/*.mjs"] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": [
        "error",
        // node:test's describe/it return promises the runner itself awaits.
        { allowForKnownSafeCalls: [{ from: "package", package: "node:test", name: ["describe", "it", "test", "suite"] }] },
      ],
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": ["error", { disallowTypeAnnotations: false }],
      "@typescript-eslint/switch-exhaustiveness-check": ["error", { considerDefaultExhaustiveForUnions: true }],
      "@typescript-eslint/require-await": "off",
    },
  },
  {
    files: ["test/**", "bench/**", "scripts/**", "bin/**"],
    rules: {
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      "@typescript-eslint/no-non-null-assertion": "off",
      "@typescript-eslint/no-explicit-any": "off",
    },
  },
  {
    // The console's browser scripts: plain JavaScript served as is, not part of the TS project.
    files: ["src/console/assets/**/*.js"],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { sourceType: "script", parserOptions: { projectService: false } },
  },
);
