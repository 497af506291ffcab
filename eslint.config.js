// npm run lint: typescript-eslint's recommended rules, React's hooks rules and jsx-a11y's for
// the browser code, and the project's own boundaries (components never import server code).
import js from "@eslint/js";
import jsxA11y from "eslint-plugin-jsx-a11y";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["build/", "public/build/", "node_modules/", "bench/tmp/", "bench/results/", "data/", ".cache/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      // The DOM's globals that read like ordinary variables: `location` in a component is the
      // browser's, not the router's (it once broke the header on the server).
      "no-restricted-globals": ["error", "location", "name", "event", "length", "status", "top", "parent", "self", "close", "open"],
      "no-control-regex": "off",
    },
  },
  {
    files: ["app/**/*.tsx", "app/components/**/*.ts", "app/collab/**/*.ts"],
    plugins: { "react-hooks": reactHooks, "jsx-a11y": jsxA11y },
    rules: {
      // The rules of hooks; the React Compiler's rules are for code it compiles, and this is not.
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "error",
      ...jsxA11y.flatConfigs.recommended.rules,
      // Focus moves only into a field the person just asked for (a reply, an edit) or the
      // sign-in page's first field, which is the page's one purpose.
      "jsx-a11y/no-autofocus": "off",
    },
  },
  {
    // What the browser bundle is made of never imports server code, not even for types:
    // shared rules and view types live in browser-safe modules.
    files: [
      "app/components/**/*.{ts,tsx}",
      "app/collab/**/*.ts",
      "app/editor/**/*.ts",
      "app/i18n/**/*.ts",
      "app/utils/**/*.ts",
      "app/versions/*.ts",
      "app/models/views.ts",
      "app/models/roles.ts",
      "app/models/comment-rules.ts",
    ],
    ignores: ["**/*.server.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["**/*.server", "**/*.server.ts", "**/server/**", "../../server/*"],
              message: "Browser code never imports server code; move what it needs into a browser-safe module.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["**/*.cjs"],
    languageOptions: { sourceType: "commonjs" },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    files: ["tests/**/*.ts", "bench/**/*.ts", "scripts/**/*.{ts,mjs}", "db/**/*.ts"],
    rules: { "@typescript-eslint/no-non-null-assertion": "off" },
  },
);
