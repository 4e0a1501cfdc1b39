/** Types for make-test-model.mjs, so TypeScript tests and the bench can build the model in memory. */
export declare const TEST_MODEL_SHAPE: Readonly<{
  embedding: number
  layers: number
  heads: number
  feedForward: number
  contextLength: number
}>
export declare function buildTestModel(options?: { seed?: number; f16?: boolean }): Buffer
