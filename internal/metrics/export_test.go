package metrics

// BacklogQuery is the backlog collector's query, for EXPLAIN in tests.
const BacklogQuery = backlogQuery
