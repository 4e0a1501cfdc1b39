// Limits the renderer shows in forms before it loads zod and the schemas (runs.ts enforces them).

export const MAX_WALK_STEPS = 10_000_000
