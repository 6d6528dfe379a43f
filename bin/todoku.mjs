#!/usr/bin/env node
// Entry for the installed `todoku` bin: todoku is TypeScript run natively by Node (>= 22.19).
await import('../src/cli/main.ts')
