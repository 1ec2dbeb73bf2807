package migrations

// FirstOnline is firstOnline, for the external tests.
const FirstOnline = firstOnline
