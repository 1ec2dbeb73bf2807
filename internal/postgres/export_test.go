package postgres

// WarmSQL is what every new connection runs.
const WarmSQL = warmSQL
