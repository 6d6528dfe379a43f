export { TodokuError } from './todoku-error.ts'
