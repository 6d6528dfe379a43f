export { TodokuError } from './todoku-error.ts'
export { systemClock, createManualClock, type Clock, type ManualClock } from './clock.ts'
export { systemRandom, createSeededRandom, type Random } from './random.ts'
export { createId, idTimeMs } from './id.ts'
