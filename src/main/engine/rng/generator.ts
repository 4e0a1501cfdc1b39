/** Generator lives with its bit generator in pcg64.ts; this module name is kept for importers. */
export { Generator, defaultRng } from './pcg64'
