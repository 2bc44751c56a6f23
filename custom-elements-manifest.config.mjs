/**
 * `npm run analyze`: writes custom-elements.json (the elements' attributes, properties, events,
 * CSS parts and custom properties, from their TSDoc) for IDEs, docs and Storybook.
 */
export default {
  globs: ['src/components/**/*.ts'],
  exclude: ['src/components/**/*.test.ts'],
  outdir: '.',
  litelement: true,
};
