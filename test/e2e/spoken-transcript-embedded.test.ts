// The spoken end-to-end test again, on the embedded PGlite: the agent worker (another process) writes through
// the embedded database's wire server while the API reads.
process.env.TEST_STACK_DB = 'embedded';
await import('./spoken-transcript.test.js');
